/**
 * The one projection of runtime truth into what the views draw: TrialRecords and journal
 * history into TrialSummary, experiments into ExperimentSummary, grants into a
 * ResourceSnapshot. Pure functions: the same input always draws the same picture.
 */
import { join } from 'node:path';
import type {
  ClusterSnapshot,
  ExperimentState,
  ExperimentSummary,
  GpuSlot,
  MetricPoint,
  ResourceSnapshot,
  SlotHolder,
  TrialSummary,
} from '../../protocol/runtime_api';
import { countByStatus, type TrialStatus } from '../../protocol/trial';
import type { GpuInfo } from '../hardware/report';
import type { LedgerSnapshot } from '../resources/ledger';
import type { TrialRecord } from '../tuner/trial_record';
import type { TrialHistory } from './journal_history';

/** An experiment as the host knows it, driven here or read from disk. */
export interface ExperimentView {
  path: string;
  name: string;
  specPath?: string;
  state: ExperimentState;
  live: boolean;
  startedAt: number;
  endedAt?: number;
  reason?: string;
  metric?: string;
  mode?: 'min' | 'max';
  totalTrials?: number;
  trials: readonly TrialRecord[];
  history: (trialId: string) => TrialHistory | undefined;
  /** For an experiment another process runs: counts from its journal, since its trials are not loaded. */
  counts?: Record<TrialStatus, number>;
}

/** Keys Tunekit fills in every result row (Ray's auto-filled fields); never drawn as metrics. */
const AUTO_FILLED = new Set([
  'training_iteration',
  'trial_id',
  'timestamp',
  'date',
  'time_this_iter_s',
  'time_total_s',
  'pid',
  'hostname',
  'node_ip',
  'done',
  'iterations_since_restore',
  'restore_count',
  'restored',
  'config',
  'checkpoint_dir_name',
]);

export function numericMetrics(row: Record<string, unknown> | undefined): Record<string, number> {
  const metrics: Record<string, number> = {};
  for (const [key, value] of Object.entries(row ?? {})) {
    if (!AUTO_FILLED.has(key) && typeof value === 'number' && Number.isFinite(value)) metrics[key] = value;
  }
  return metrics;
}

export function metricPoint(row: Record<string, unknown>): MetricPoint {
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  return { iteration: num(row.training_iteration), timeTotalS: num(row.time_total_s), ts: num(row.timestamp), values: numericMetrics(row) };
}

function bestOf(view: ExperimentView): ExperimentSummary['best'] {
  const { metric, mode } = view;
  if (!metric || !mode) return undefined;
  let best: ExperimentSummary['best'];
  for (const t of view.trials) {
    const v = t.lastResult?.[metric];
    if (typeof v !== 'number' || !Number.isFinite(v)) continue;
    if (!best || (mode === 'max' ? v > best.value : v < best.value)) best = { trialId: t.id, value: v };
  }
  return best;
}

export function projectExperiment(view: ExperimentView): ExperimentSummary {
  const counts = view.counts ? { ...view.counts } : countByStatus(view.trials);
  const summary: ExperimentSummary = {
    path: view.path,
    name: view.name,
    state: view.state,
    live: view.live,
    counts,
    startedAt: view.startedAt,
  };
  if (view.specPath) summary.specPath = view.specPath;
  if (view.totalTrials !== undefined) summary.totalTrials = view.totalTrials;
  if (view.metric) summary.metric = view.metric;
  if (view.mode) summary.mode = view.mode;
  const best = bestOf(view);
  if (best) summary.best = best;
  if (view.endedAt !== undefined) summary.endedAt = view.endedAt;
  if (view.reason) summary.reason = view.reason;
  return summary;
}

/**
 * Ended by a scheduler or a metric stop rule rather than by running its course. Reaching
 * ASHA's max_t or a training_iteration stop is a trial's normal end, as in Ray.
 */
export function isStoppedEarly(trial: TrialRecord, history: TrialHistory | undefined): boolean {
  if (trial.status !== 'TERMINATED') return false;
  const reason = trial.endReason ?? '';
  const lastStop = [...(history?.decisions ?? [])].reverse().find((d) => d.kind === 'stop');
  if (lastStop && !lastStop.reason.includes('max_t')) return true;
  if (reason.includes('never promoted')) return true;
  const criterion = /^stop criterion (\S+) >=/.exec(reason);
  return criterion !== null && criterion[1] !== 'training_iteration';
}

function workerLogs(trial: TrialRecord): string[] {
  if (trial.status === 'PENDING' && trial.startedAt === undefined && trial.iteration === 0) return [];
  return Array.from({ length: trial.scaling.num_workers }, (_, rank) => join(trial.dir, `worker_${rank}.log`));
}

/**
 * The config the trial ran with: params.json (its param_space, as Ray writes it) with
 * train_loop_config as the workers got it, the trainer's constants included (issue 15).
 */
function ranWith(trial: TrialRecord): Record<string, unknown> {
  if (Object.keys(trial.trainLoopConfig).length === 0) return trial.config;
  return { ...trial.config, train_loop_config: { ...trial.trainLoopConfig } };
}

export function projectTrial(view: ExperimentView, trial: TrialRecord): TrialSummary {
  const history = view.history(trial.id);
  const restores = history?.restores ?? [];
  const restoredFrom = restores[restores.length - 1]?.fromCheckpoint;
  const summary: TrialSummary = {
    experimentPath: view.path,
    id: trial.id,
    index: trial.index,
    name: trial.name,
    dir: trial.dir,
    status: trial.status,
    stoppedEarly: isStoppedEarly(trial, history),
    params: trial.sampled.map((s) => ({ path: s.path, value: s.value })),
    config: ranWith(trial),
    iteration: trial.iteration,
    metrics: numericMetrics(trial.lastResult),
    checkpoints: trial.checkpoints.map((c) => ({ name: c.name, iteration: c.iteration, ...(c.name === restoredFrom ? { restoredFrom: true } : {}) })),
    restores: [...restores],
    decisions: [...(history?.decisions ?? [])],
    workerLogs: workerLogs(trial),
    pids: view.live && trial.status === 'RUNNING' ? [...(history?.pids ?? [])] : [],
    failures: trial.trainFailures + trial.tuneFailures,
  };
  if (history?.refusedCheckpoints) summary.refusedCheckpoints = [...history.refusedCheckpoints];
  if (trial.job && trial.status === 'RUNNING') summary.job = { ...trial.job };
  if (trial.waitingReason && trial.status !== 'TERMINATED' && trial.status !== 'ERROR') summary.waitingReason = trial.waitingReason;
  if (trial.endReason && (trial.status === 'TERMINATED' || trial.status === 'ERROR')) summary.endReason = trial.endReason;
  return summary;
}

/** One live experiment's share of the machine: its own holders, against the machine's totals. */
export interface LiveResources {
  experimentPath: string;
  ledger: LedgerSnapshot;
  trials: readonly TrialRecord[];
}

export interface MachineView {
  cpuTotal: number;
  /** Real GPUs, with their latest memory and utilisation readings. */
  gpus: readonly GpuInfo[];
  /** The Slurm cluster, while a Slurm experiment runs. */
  cluster?: Omit<ClusterSnapshot, 'jobs'>;
}

/**
 * Every live experiment's holdings on one picture. Experiments on the same machine share one
 * ledger (machine_ledger.ts) and each reports only its own holders, so they add up here.
 */
export function projectResources(machine: MachineView, live: readonly LiveResources[]): ResourceSnapshot {
  const cpuHolders: SlotHolder[] = [];
  let cpuUsed = 0;
  let cpuTotal = machine.cpuTotal;
  const slots = new Map<number, GpuSlot>();
  for (const g of machine.gpus) {
    slots.set(g.index, { index: g.index, name: g.name, simulated: false, memoryTotalMiB: g.memoryTotalMiB, memoryUsedMiB: g.memoryUsedMiB, utilizationPct: g.utilizationPct, holders: [] });
  }
  const waiting: ResourceSnapshot['waiting'] = [];
  const jobs: ClusterSnapshot['jobs'] = [];
  for (const exp of live) {
    cpuUsed += exp.ledger.cpu.used;
    cpuTotal = Math.max(cpuTotal, exp.ledger.cpu.total);
    for (const gpu of exp.ledger.gpus) {
      let slot = slots.get(gpu.index);
      if (!slot) {
        slot = { index: gpu.index, name: 'simulated GPU', simulated: true, holders: [] };
        slots.set(gpu.index, slot);
      }
      for (const h of gpu.holders) slot.holders.push({ experimentPath: exp.experimentPath, trialId: h.trialId, rank: h.rank, fraction: h.fraction });
    }
    for (const t of exp.trials) {
      if (t.status === 'RUNNING' && t.grant) {
        const bundles: Array<[number | 'trainable', number]> = [['trainable', t.grant.trainable.CPU], ...t.grant.workers.map((w, rank): [number, number] => [rank, w.CPU])];
        for (const [rank, cpu] of bundles) if (cpu > 0) cpuHolders.push({ experimentPath: exp.experimentPath, trialId: t.id, rank, fraction: cpu });
      }
      if (t.waitingReason && (t.status === 'PENDING' || t.status === 'RUNNING')) {
        waiting.push({ experimentPath: exp.experimentPath, trialId: t.id, reason: t.waitingReason, holdsTrainable: t.status === 'RUNNING' });
      }
      if (t.job && t.status === 'RUNNING') jobs.push({ experimentPath: exp.experimentPath, trialId: t.id, ...t.job });
    }
  }
  return {
    cpu: { total: cpuTotal, used: cpuUsed, holders: cpuHolders },
    gpus: [...slots.values()].sort((a, b) => a.index - b.index),
    waiting,
    ...(machine.cluster || jobs.length ? { cluster: { partitions: machine.cluster?.partitions ?? [], nodes: machine.cluster?.nodes ?? [], jobs } } : {}),
  };
}
