/**
 * What a Slurm cluster could never run, said before anything is submitted: an unknown
 * partition, fractional GPUs (sharing needs gres/shard, which Tunekit does not request), and
 * a gang no node set of the partition can hold (Slurm would queue it forever, or refuse it late).
 */
import type { ExperimentSpec, SlurmBackend } from '../../../protocol/spec';
import { plannedTrials } from '../../spec/planned_trials';
import type { Partition } from './slurm_commands';

export interface ClusterProblem {
  /** Where in the spec the problem is, for a located message. */
  path: string[];
  message: string;
}

export function choosePartition(backend: SlurmBackend, partitions: Partition[]): Partition | ClusterProblem {
  const names = partitions.map((p) => p.name).join(', ') || 'none';
  if (backend.partition) {
    const found = partitions.find((p) => p.name === backend.partition);
    return found ?? { path: ['backend', 'partition'], message: `backend.partition: the cluster has no partition named "${backend.partition}" (it has: ${names})` };
  }
  return partitions.find((p) => p.isDefault) ?? { path: ['backend'], message: `backend.partition is needed: the cluster has no default partition (it has: ${names})` };
}

/** One trial's whole gang: its workers, each with the same resources. */
export interface Gang {
  trialId: string;
  ntasks: number;
  CPU: number;
  GPU: number;
}

/** Distinct worker shapes of the planned trials (scaling may be searched), with a trial of each. */
export function gangs(spec: ExperimentSpec): Gang[] {
  const seen = new Map<string, Gang>();
  let planned;
  try {
    planned = plannedTrials(spec, 10_000).trials;
  } catch {
    return [];
  }
  for (const { trialId, request } of planned) {
    const w = request.workers[0] ?? { CPU: 1, GPU: 0 };
    const key = `${request.workers.length}|${w.CPU}|${w.GPU}`;
    if (!seen.has(key)) seen.set(key, { trialId, ntasks: request.workers.length, CPU: w.CPU, GPU: w.GPU });
    if (seen.size > 1000) break;
  }
  return [...seen.values()];
}

export function clusterProblems(spec: ExperimentSpec, backend: SlurmBackend, partitions: Partition[]): ClusterProblem[] {
  const chosen = choosePartition(backend, partitions);
  if ('message' in chosen) return [chosen];
  const problems: ClusterProblem[] = [];
  const scaling = typeof spec.param_space.scaling_config === 'object' ? ['param_space', 'scaling_config'] : ['trainer', 'scaling_config'];
  if (backend.nodes > chosen.nodes) {
    problems.push({ path: ['backend', 'nodes'], message: `backend.nodes is ${backend.nodes}, but partition ${chosen.name} has ${chosen.nodes} node(s)` });
  }
  for (const gang of gangs(spec)) {
    const problem = gangProblem(gang, backend, chosen);
    if (problem) problems.push({ path: gang.GPU > 0 && !Number.isInteger(gang.GPU) ? [...scaling, 'resources_per_worker', 'GPU'] : scaling, message: problem });
  }
  return problems;
}

/** Why a gang can never run on a partition, or undefined when it fits. */
export function gangProblem(gang: Gang, backend: SlurmBackend, partition: Partition): string | undefined {
  const fraction = fractionalGpuProblem(gang);
  if (fraction) return fraction;
  const perNode = Math.ceil(gang.ntasks / backend.nodes);
  const cpus = perNode * Math.max(1, Math.ceil(gang.CPU));
  const gpus = perNode * gang.GPU;
  if (cpus <= partition.cpusPerNode && gpus <= partition.gpusPerNode) return undefined;
  return (
    `trial ${gang.trialId} can never run on partition ${partition.name}: ${gang.ntasks} worker(s) on ${backend.nodes} node(s) need ` +
    `${cpus} CPU and ${gpus} GPU on one node, and its nodes have ${partition.cpusPerNode} CPU and ${partition.gpusPerNode} GPU` +
    (backend.nodes === 1 && gang.ntasks > 1 ? '; set backend.nodes to spread the workers' : '')
  );
}

/** What needs no cluster to know: checked with the spec's other problems, in the editor too. */
export function staticClusterProblems(spec: ExperimentSpec): ClusterProblem[] {
  if (spec.backend?.type !== 'slurm') return [];
  const scaling = typeof spec.param_space.scaling_config === 'object' ? ['param_space', 'scaling_config'] : ['trainer', 'scaling_config'];
  const problems: ClusterProblem[] = [];
  for (const gang of gangs(spec)) {
    const message = fractionalGpuProblem(gang);
    if (message) problems.push({ path: [...scaling, 'resources_per_worker', 'GPU'], message });
  }
  return problems;
}

/** Sharing a GPU needs gres/shard, which Tunekit does not request: a worker holds whole GPUs. */
function fractionalGpuProblem(gang: Gang): string | undefined {
  if (gang.GPU === 0 || Number.isInteger(gang.GPU)) return undefined;
  return `trial ${gang.trialId} asks for ${gang.GPU} GPU per worker: on Slurm a worker holds whole GPUs (sharing one needs gres/shard); use 1 or more`;
}
