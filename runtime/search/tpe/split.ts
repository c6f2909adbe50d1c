/**
 * TPE's division of the trials seen so far into a "good" group, modelled by l(x), and the
 * rest, modelled by g(x); and the weights that let older trials fade (Optuna's defaults).
 */

export interface Observation {
  /** Trial number: ties in loss go to the older trial, and weights follow this order. */
  index: number;
  /** Coordinate per dimension (see dimension.ts). */
  point: number[];
  /** Lower is better (the metric, negated when mode is max). */
  loss: number;
}

/** Size of the good group: ceil(gamma · n), at most 25, as Optuna's default gamma with gamma = 0.1. */
export function goodCount(n: number, gamma: number): number {
  return Math.min(Math.ceil(gamma * n), 25);
}

/** Both groups come back in trial order. */
export function splitObservations(observations: readonly Observation[], gamma: number): { good: Observation[]; rest: Observation[] } {
  const ranked = [...observations].sort((a, b) => a.loss - b.loss || a.index - b.index);
  const count = goodCount(observations.length, gamma);
  const byIndex = (a: Observation, b: Observation) => a.index - b.index;
  return { good: ranked.slice(0, count).sort(byIndex), rest: ranked.slice(count).sort(byIndex) };
}

/** Equal weights up to 25 trials; beyond that the older ones ramp down linearly to 1/n. */
export function trialWeights(n: number): number[] {
  if (n < 25) return new Array<number>(n).fill(1);
  const ramp = n - 25;
  const rising = Array.from({ length: ramp }, (_, i) => (ramp === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (ramp - 1)));
  return [...rising, ...new Array<number>(25).fill(1)];
}
