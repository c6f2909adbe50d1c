import { SlurmCommands } from '../backends/slurm/slurm_commands';
import { renderTable } from './format';

const ENDED = ['COMPLETED', 'CANCELLED', 'FAILED', 'TIMEOUT'];

/** The Slurm cluster trials would run on, and Tunekit's jobs in its queue: `tunekit cluster`. */
export async function describeCluster() {
  const slurm = new SlurmCommands();
  await slurm.check();
  const [partitions, nodes, queue] = await Promise.all([slurm.partitions(), slurm.nodes(), slurm.squeue()]);
  const jobs = [...queue.values()].filter((j) => j.name.startsWith('tunekit-') && !ENDED.includes(j.state));
  const lines = ['Partitions:'];
  lines.push(
    ...renderTable(
      ['name', 'state', 'nodes', 'CPU/node', 'GPU/node', 'time limit'],
      partitions.map((p) => [`${p.name}${p.isDefault ? ' (default)' : ''}`, p.up ? 'up' : 'down', String(p.nodes), String(p.cpusPerNode), String(p.gpusPerNode), p.timeLimit]),
    ).map((l) => `  ${l}`),
    '',
    'Nodes:',
    ...renderTable(
      ['name', 'state', 'CPU used', 'GPU used', 'partitions'],
      nodes.map((n) => [n.name, n.state, `${n.cpusAllocated}/${n.cpus}`, `${n.gpusAllocated}/${n.gpus}`, n.partitions.join(',')]),
    ).map((l) => `  ${l}`),
    '',
  );
  if (jobs.length === 0) lines.push('Tunekit jobs: none');
  else {
    lines.push('Tunekit jobs:');
    lines.push(...renderTable(['job', 'name', 'state', 'reason / nodes'], jobs.map((j) => [j.id, j.name, j.state, j.state === 'PENDING' ? j.reason : j.nodes])).map((l) => `  ${l}`));
  }
  return { facts: { partitions, nodes, jobs }, lines };
}
