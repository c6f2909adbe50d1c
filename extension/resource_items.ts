/** The Resources tree as data: GPUs and CPUs with their holders, then waiting trials, then a Slurm cluster. */
import type { ClusterSnapshot, ExperimentSummary, GpuSlot, ResourceSnapshot, SlotHolder } from '../protocol/runtime_api';
import { formatNumber } from '../protocol/format';
import { trialKey } from '../protocol/trial';
import type { ItemData } from './tree_items';

/** `experimentPath` → experiment name, so a holder reads "quickstart/00003 rank 1". */
export type ExperimentNames = (experimentPath: string) => string | undefined;

export function namesFrom(experiments: ExperimentSummary[]): ExperimentNames {
  const byPath = new Map(experiments.map((e) => [e.path, e.name]));
  return (path) => byPath.get(path);
}

function who(h: { experimentPath: string; trialId: string }, names: ExperimentNames): string {
  return `${names(h.experimentPath) ?? h.experimentPath}/${h.trialId}`;
}

/**
 * VS Code keeps a row's collapsed state by id, so a row first shown with no children would
 * stay collapsed once it has some; the id therefore says whether the row has holders.
 */
function slotId(base: string, holders: number): string {
  return holders ? `${base}:held` : base;
}

export function gpuItem(g: GpuSlot): ItemData {
  const memory =
    g.memoryTotalMiB !== undefined ? `${formatNumber(g.memoryUsedMiB ?? 0)}/${formatNumber(g.memoryTotalMiB)} MiB` : undefined;
  const util = g.utilizationPct !== undefined ? `${formatNumber(g.utilizationPct)}%` : undefined;
  const held = g.holders.reduce((sum, h) => sum + h.fraction, 0);
  return {
    id: slotId(`gpu:${g.index}`, g.holders.length),
    label: `GPU ${g.index}: ${g.name}${g.simulated ? ' (simulated)' : ''}`,
    description: [memory, util, `${formatNumber(held)}/1 held`].filter(Boolean).join(' · '),
    icon: { id: 'circuit-board', color: held > 0 ? 'charts.green' : undefined },
    contextValue: 'gpu',
    collapsible: g.holders.length ? 'expanded' : 'none',
  };
}

export function cpuItem(cpu: ResourceSnapshot['cpu']): ItemData {
  return {
    id: slotId('cpu', cpu.holders.length),
    label: 'CPUs',
    description: `${formatNumber(cpu.used)}/${formatNumber(cpu.total)} held`,
    icon: { id: 'server-process' },
    contextValue: 'cpu',
    collapsible: cpu.holders.length ? 'expanded' : 'none',
  };
}

export function holderItem(parentId: string, h: SlotHolder, names: ExperimentNames): ItemData {
  const rank = h.rank === 'trainable' ? 'trainable' : `rank ${h.rank}`;
  return {
    id: `${parentId}:${trialKey(h.experimentPath, h.trialId)}:${h.rank}`,
    label: who(h, names),
    description: `${rank} · ${formatNumber(h.fraction)}`,
    icon: { id: 'person' },
    contextValue: 'holder',
    collapsible: 'none',
  };
}

export function waitingGroupItem(count: number): ItemData {
  return {
    id: 'waiting',
    label: `Waiting (${count})`,
    icon: { id: 'watch' },
    contextValue: 'waitingGroup',
    collapsible: 'expanded',
  };
}

export function waitingItem(w: ResourceSnapshot['waiting'][number], names: ExperimentNames): ItemData {
  return {
    id: `waiting:${trialKey(w.experimentPath, w.trialId)}`,
    label: who(w, names),
    description: w.reason,
    tooltip: `${w.reason}${w.holdsTrainable ? '\nIts trainable already holds its slot.' : ''}`,
    icon: { id: 'circle-outline' },
    contextValue: 'waiting',
    collapsible: 'none',
  };
}

/** A Slurm experiment's cluster: its nodes, then our jobs on them or in the queue. */
export function clusterGroupItem(cluster: ClusterSnapshot): ItemData {
  const partitions = cluster.partitions.map((p) => `${p.name}${p.isDefault ? '*' : ''}`).join(', ');
  return {
    id: 'cluster',
    label: 'Slurm cluster',
    description: partitions ? `partitions ${partitions}` : undefined,
    icon: { id: 'server-environment' },
    contextValue: 'clusterGroup',
    collapsible: 'expanded',
  };
}

export function clusterNodeItem(n: ClusterSnapshot['nodes'][number]): ItemData {
  return {
    id: `node:${n.name}`,
    label: n.name,
    description: `${n.state.toLowerCase()} · CPU ${n.cpusAllocated}/${n.cpus} · GPU ${n.gpusAllocated}/${n.gpus}`,
    icon: { id: 'vm', color: n.cpusAllocated > 0 || n.gpusAllocated > 0 ? 'charts.green' : undefined },
    contextValue: 'clusterNode',
    collapsible: 'none',
  };
}

export function jobsGroupItem(jobs: ClusterSnapshot['jobs']): ItemData {
  const queued = jobs.filter((j) => j.state === 'PENDING').length;
  return {
    id: 'jobs',
    label: `Jobs (${jobs.length - queued} running, ${queued} queued)`,
    icon: { id: 'list-ordered' },
    contextValue: 'jobsGroup',
    collapsible: 'expanded',
  };
}

export function jobItem(j: ClusterSnapshot['jobs'][number], names: ExperimentNames): ItemData {
  const where = j.state === 'PENDING' ? `queued: ${j.reason ?? 'pending'}` : `${j.state.toLowerCase()} on ${j.nodes ?? '?'}`;
  return {
    id: `job:${j.id}`,
    label: `${j.id} ${who(j, names)}`,
    description: where,
    tooltip: `Slurm job ${j.id} (${j.name})\n${j.state}${j.reason ? ` — ${j.reason}` : ''}${j.nodes ? `\nNodes: ${j.nodes}` : ''}`,
    icon: { id: j.state === 'PENDING' ? 'watch' : 'sync~spin' },
    contextValue: 'job',
    collapsible: 'none',
  };
}
