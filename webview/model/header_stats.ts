/** The header strip: trials per status, elapsed time, logical resource use, current best. */
import type { DashboardExperiment } from '../../protocol/dashboard_messages';
import type { TrialStatus } from '../../protocol/trial';
import type { BestScope } from './best_so_far';
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
