import { formatDuration, formatValue, shortParamName } from '../../protocol/format';
import { countByStatus, type TrialStatus } from '../../protocol/trial';
import type { TrialRecord } from '../tuner/trial_record';
import { renderTable } from '../app/format';

export interface StatusInput {
  name: string;
  elapsedS: number;
  trials: TrialRecord[];
  capacity: { CPU: number; gpus: number[] };
  metric?: string;
  mode?: 'min' | 'max';
  maxRows?: number;
}

const STATUS_ORDER: TrialStatus[] = ['RUNNING', 'PAUSED', 'ERROR', 'PENDING', 'TERMINATED'];

/** The best trial by its last reported `metric` (Ray's default scope, "last"). */
export function bestTrial(trials: TrialRecord[], metric?: string, mode?: 'min' | 'max'): TrialRecord | undefined {
  if (!metric || !mode) return undefined;
  let best: TrialRecord | undefined;
  let bestValue = 0;
  for (const t of trials) {
    const v = t.lastResult?.[metric];
    if (typeof v !== 'number' || Number.isNaN(v)) continue;
    if (!best || (mode === 'max' ? v > bestValue : v < bestValue)) {
      best = t;
      bestValue = v;
    }
  }
  return best;
}

export function paramsText(trial: TrialRecord): string {
  return trial.sampled.map((s) => `${shortParamName(s.path)}=${formatValue(s.value)}`).join(', ');
}

function resourceUse(trials: TrialRecord[]): { cpu: number; gpu: number } {
  let cpu = 0;
  let gpu = 0;
  for (const t of trials) {
    if (t.status !== 'RUNNING' || !t.grant) continue;
    for (const bundle of [t.grant.trainable, ...t.grant.workers]) {
      cpu += bundle.CPU;
      for (const g of bundle.gpus) gpu += g.fraction;
    }
  }
  return { cpu, gpu };
}

/** A Slurm experiment's trials hold no slots here: what counts is where their jobs stand. */
function slurmJobs(trials: TrialRecord[]): { running: number; queued: number } | undefined {
  const live = trials.filter((t) => t.status === 'RUNNING' && t.job);
  if (!trials.some((t) => t.job)) return undefined;
  const queued = live.filter((t) => t.job!.state === 'PENDING').length;
  return { running: live.length - queued, queued };
}

function trialNote(t: TrialRecord): string {
  if (t.status === 'PENDING' || (t.status === 'RUNNING' && t.waitingReason)) return t.waitingReason ?? '';
  if (t.status === 'ERROR' || t.status === 'TERMINATED') return t.endReason ?? '';
  return '';
}

/** Ray-console-like status block: counts, resources, best trial, and a collapsing table. */
export function renderStatus(input: StatusInput): string[] {
  const { trials, metric, mode } = input;
  const counts = countByStatus(trials);
  const use = resourceUse(trials);
  const jobs = slurmJobs(trials);
  const lines = [
    `== Tunekit: ${input.name} · running for ${formatDuration(input.elapsedS)} ==`,
    jobs ? `Slurm jobs: ${jobs.running} running, ${jobs.queued} queued` : `Logical resource usage: CPU ${formatValue(use.cpu)}/${input.capacity.CPU}, GPU ${formatValue(use.gpu)}/${input.capacity.gpus.length}`,
    `Number of trials: ${trials.length} (${STATUS_ORDER.filter((s) => counts[s]).map((s) => `${counts[s]} ${s}`).join(', ')})`,
  ];
  const best = bestTrial(trials, metric, mode);
  if (best && metric) {
    lines.push(`Current best trial: ${best.id} with ${metric}=${formatValue(best.lastResult![metric])} and params {${paramsText(best)}}`);
  }
  const paramKeys = [...new Set(trials.flatMap((t) => t.sampled.map((s) => s.path)))];
  const metricKeys = metric ? [metric] : [];
  const header = ['Trial name', 'status', ...paramKeys.map(shortParamName), 'iter', 'total time (s)', ...metricKeys, 'note'];
  const maxRows = input.maxRows ?? 20;
  const sorted = [...trials].sort((a, b) => STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status) || a.index - b.index);
  const shown = sorted.slice(0, maxRows);
  const rows = shown.map((t) => {
    const values = new Map(t.sampled.map((s) => [s.path, s.value]));
    return [
      t.id,
      t.status,
      ...paramKeys.map((p) => formatValue(values.get(p))),
      String(t.iteration),
      formatValue(Number(t.timeTotalS.toFixed(2))),
      ...metricKeys.map((m) => formatValue(t.lastResult?.[m])),
      trialNote(t),
    ];
  });
  lines.push(...renderTable(header, rows));
  const hidden = countByStatus(sorted.slice(maxRows));
  if (sorted.length > maxRows) lines.push(`... ${STATUS_ORDER.filter((s) => hidden[s]).map((s) => `${hidden[s]} more ${s}`).join(', ')}`);
  return lines;
}
