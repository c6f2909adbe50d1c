/** The header strip: trials per status, elapsed time, logical resource use, current best. */
import type { DashboardExperiment } from '../../protocol/dashboard_messages';
import { formatDuration, formatNumber } from '../../protocol/format';
import type { TrialStatus } from '../../protocol/trial';
import { BEST_SCOPE_DOC, BEST_SCOPE_LABEL, type BestScope } from './best_so_far';
import { slotsInUse, type Timeline } from './timeline_lanes';

export interface HeaderStats {
  name: string;
  state: string;
  counts: Record<TrialStatus, number>;
  elapsedS: number;
  use: { CPU: number; GPU: number };
  capacity: { CPU: number; GPU: number };
  best?: HeaderBest;
}

export interface HeaderBest {
  trialId: string;
  value: number;
  metric: string;
  scope: BestScope;
}

export function headerStats(
  experiment: DashboardExperiment,
  timeline: Timeline,
  now: number,
  best: HeaderBest | undefined,
): HeaderStats {
  const s = experiment.summary;
  const running = s.live && s.state === 'running';
  return {
    name: s.name,
    state: running ? 'running' : s.state,
    counts: { ...s.counts },
    elapsedS: (s.endedAt ?? now) - s.startedAt,
    // The timeline is rebuilt at the slow pace; an ended run holds nothing, whatever it last said.
    use: running ? slotsInUse(timeline) : { CPU: 0, GPU: 0 },
    capacity: { CPU: experiment.capacity.CPU, GPU: experiment.capacity.gpus.length },
    best,
  };
}

/** The experiment's mode for its own metric; for another, a loss or error is minimised, anything else kept as the experiment's mode. */
export function modeFor(metric: string, experiment: DashboardExperiment | undefined, chosen: 'auto' | 'min' | 'max'): 'min' | 'max' {
  if (chosen !== 'auto') return chosen;
  const s = experiment?.summary;
  if (s?.metric === metric && s.mode) return s.mode;
  if (/loss|err|mse|mae|rmse|perplexity/i.test(metric)) return 'min';
  return s?.mode ?? 'max';
}

/** One item of the header strip: `label` above, `text` (what ticks) beside it. */
export interface HeaderItem {
  key: string;
  label?: string;
  title?: string;
  text: string;
  className: string;
}

const STATUSES: TrialStatus[] = ['RUNNING', 'PENDING', 'PAUSED', 'TERMINATED', 'ERROR'];

/** The strip's items, in order; `unjudged`: the spec names no metric and the user picked none, so no best is claimed. */
export function headerItems(stats: HeaderStats, notice: string | undefined, unjudged = false): HeaderItem[] {
  const use = (held: number, total: number) => `${formatNumber(Math.round(held * 100) / 100)} / ${formatNumber(total)}`;
  return [
    { key: 'title', text: stats.name, className: 'title' },
    { key: 'state', text: stats.state, className: `state state-${stats.state}` },
    ...STATUSES.filter((s) => stats.counts[s] > 0).map((s) => ({ key: s, label: s.toLowerCase(), text: String(stats.counts[s]), className: `stat status-${s.toLowerCase()}` })),
    { key: 'elapsed', label: 'elapsed', text: formatDuration(stats.elapsedS), className: 'stat' },
    { key: 'cpu', label: 'CPU', text: use(stats.use.CPU, stats.capacity.CPU), className: 'stat' },
    ...(stats.capacity.GPU > 0 ? [{ key: 'gpu', label: 'GPU', text: use(stats.use.GPU, stats.capacity.GPU), className: 'stat' }] : []),
    ...(stats.best
      ? [{ key: 'best', label: `best (${BEST_SCOPE_LABEL[stats.best.scope]})`, title: BEST_SCOPE_DOC[stats.best.scope], text: `${stats.best.metric} ${formatNumber(stats.best.value)} (trial ${stats.best.trialId})`, className: 'stat best' }]
      : unjudged
        ? [{ key: 'best', label: 'best', title: 'The spec names no tune_config.metric; pick the metric to judge trials by.', text: 'no metric in the spec: pick one above', className: 'stat best' }]
        : []),
    ...(notice ? [{ key: 'notice', text: notice, className: 'notice' }] : []),
  ];
}
