import { SlurmCommands } from '../../backends/slurm/slurm_commands';
import type { ParsedArgs } from '../args';
import { renderTable } from '../format';

/** `tunekit cluster [--json]`: the Slurm cluster trials would run on, and our jobs in its queue. */
export async function clusterCommand(args: ParsedArgs, out: NodeJS.WriteStream): Promise<number> {
  const slurm = new SlurmCommands();
  await slurm.check();
  const [partitions, nodes, queue] = await Promise.all([slurm.partitions(), slurm.nodes(), slurm.squeue()]);
  const jobs = [...queue.values()].filter((j) => j.name.startsWith('tunekit-') && !['COMPLETED', 'CANCELLED', 'FAILED', 'TIMEOUT'].includes(j.state));
  if (args.flags.has('json')) {
    out.write(JSON.stringify({ partitions, nodes, jobs }, null, 2) + '\n');
    return 0;
  }
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
  out.write(lines.join('\n') + '\n');
  return 0;
}
