/**
 * Rungs and brackets of asynchronous successive halving, shared by both ASHA schedulers.
 * Values recorded at a rung are signed so that higher is always better (mode min negates).
 */
import type { Rng } from '../search/rng';
import type { SchedulerSpec } from '../../protocol/spec';
import { readOptions, requireOption } from './scheduler_options';
import { nanPercentile } from './nanpercentile';
import { roundedLog } from './rounded_log';

export interface AshaOptions {
  time_attr: string;
  max_t: number;
  grace_period: number;
  reduction_factor: number;
  brackets: number;
  stop_last_trials: boolean;
}

export const ASHA_DEFAULTS: AshaOptions = {
  time_attr: 'training_iteration',
  max_t: 100,
  grace_period: 1,
  reduction_factor: 4,
  brackets: 1,
  stop_last_trials: true,
};

export function readAshaOptions(spec: SchedulerSpec): AshaOptions {
  const options = readOptions(spec, { ...ASHA_DEFAULTS });
  const where = `tune_config.scheduler (${spec.type})`;
  requireOption(options.max_t > 0, `${where}: max_t must be greater than 0, got ${options.max_t}`);
  requireOption(options.grace_period > 0, `${where}: grace_period must be greater than 0, got ${options.grace_period}`);
  requireOption(
    options.grace_period <= options.max_t,
    `${where}: grace_period (${options.grace_period}) must not exceed max_t (${options.max_t})`,
  );
  requireOption(options.reduction_factor > 1, `${where}: reduction_factor must be greater than 1, got ${options.reduction_factor}`);
  requireOption(
    Number.isInteger(options.brackets) && options.brackets >= 1,
    `${where}: brackets must be a whole number of at least 1, got ${options.brackets}`,
  );
  return options;
}

export interface Rung {
  milestone: number;
  /** Trial id to its signed value at this rung, in recording order. */
  recorded: Map<string, number>;
}

/**
 * Milestones of bracket `s`, highest first: grace_period * rf^(k + s). The count is Ray's,
 * int(log(max_t / grace_period) / log(rf) - s + 1) in doubles, so at an exact power of rf the
 * top rung (at max_t) is there exactly when Ray has it: at 64 = 4^3, not at 243 = 3^5. It
 * matters with stop_last_trials false, when a trial reaching max_t is judged there.
 */
export function milestones(options: AshaOptions, s: number): number[] {
  const { grace_period: grace, max_t: maxT, reduction_factor: rf } = options;
  const rungs = Math.max(0, Math.trunc(roundedLog(maxT / grace) / roundedLog(rf) - s + 1));
  return Array.from({ length: rungs }, (_, i) => grace * rf ** (rungs - 1 - i + s));
}

export function createBrackets(options: AshaOptions): Rung[][] {
  return Array.from({ length: options.brackets }, (_, s) =>
    milestones(options, s).map((milestone) => ({ milestone, recorded: new Map() })),
  );
}

/** Ray's draw: a softmax over the brackets' rung counts, sampled as np.random.choice does. */
export function drawBracket(brackets: Rung[][], rng: Rng): number {
  const sizes = brackets.map((rungs) => rungs.length);
  const largest = Math.max(...sizes);
  const weights = sizes.map((size) => Math.exp(size - largest));
  const total = weights.reduce((a, b) => a + b, 0);
  const draw = rng.next();
  let cumulative = 0;
  for (let i = 0; i < weights.length; i++) {
    cumulative += weights[i] / total;
    if (draw < cumulative) return i;
  }
  return weights.length - 1;
}

/** Ray's cutoff: the (1 - 1/rf) percentile of what the rung holds, NaN ignored; undefined when empty. */
export function rungCutoff(rung: Rung, reductionFactor: number): number | undefined {
  if (rung.recorded.size === 0) return undefined;
  return nanPercentile([...rung.recorded.values()], (1 - 1 / reductionFactor) * 100);
}
