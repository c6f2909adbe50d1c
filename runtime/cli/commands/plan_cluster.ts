import type { ExperimentSpec, SlurmBackend } from '../../../protocol/spec';
import { choosePartition, clusterProblems, gangProblem, gangs } from '../../backends/slurm/cluster_fit';
import { SlurmCommands } from '../../backends/slurm/slurm_commands';
import { plannedTrials } from '../trial_requests';

const MAX_TRIALS = 2000;

/**
 * `tunekit plan` for a Slurm spec: Slurm places the jobs, so the plan says which partitions each
 * trial's gang fits, where it will be submitted, and how many jobs may queue at once.
 */
export async function planOnCluster(spec: ExperimentSpec, out: NodeJS.WriteStream): Promise<number> {
  const backend = spec.backend as SlurmBackend;
  const slurm = new SlurmCommands();
  await slurm.check();
  const partitions = await slurm.partitions();
  const chosen = choosePartition(backend, partitions);
  const { trials } = plannedTrials(spec, MAX_TRIALS);
  const cap = spec.tune_config.max_concurrent_trials;
  const lines = [
    `Cluster: ${partitions.map((p) => `${p.name}${p.isDefault ? '*' : ''} (${p.nodes} nodes × ${p.cpusPerNode} CPU, ${p.gpusPerNode} GPU)`).join(', ')}`,
    `Trials: ${trials.length}${trials.length === MAX_TRIALS ? '+' : ''}, each one job of ${backend.nodes} node(s); at most ${cap > 0 ? cap : 'all'} in the queue at once (max_concurrent_trials)`,
    `Submitted to: ${'message' in chosen ? `nothing: ${chosen.message}` : chosen.name}`,
  ];
  for (const gang of gangs(spec)) {
    const count = trials.filter((t) => t.request.workers.length === gang.ntasks && t.request.workers[0]?.CPU === gang.CPU && t.request.workers[0]?.GPU === gang.GPU).length;
    const fits = partitions.filter((p) => gangProblem(gang, backend, p) === undefined).map((p) => p.name);
    lines.push(`  ${count} trial(s) of ${gang.ntasks} worker(s) × ${gang.CPU} CPU, ${gang.GPU} GPU (e.g. ${gang.trialId}): fit ${fits.join(', ') || 'no partition'}`);
  }
  const problems = clusterProblems(spec, backend, partitions);
  for (const p of problems) lines.push(`  never runs: ${p.message}`);
  out.write(lines.join('\n') + '\n');
  return problems.length ? 2 : 0;
}
