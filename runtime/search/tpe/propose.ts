/**
 * One TPE step: split the observations into good and rest, fit l(x) to the good ones and
 * g(x) to the rest, draw candidates from l and keep the one with the highest l(x)/g(x),
 * which maximises expected improvement under TPE's model (Bergstra et al., 2011).
 */
import type { Rng } from '../rng';
import type { Dimension } from './dimension';
import { ParzenEstimator, type ParzenSettings } from './parzen';
import { splitObservations, trialWeights, type Observation } from './split';

export interface ProposalSettings extends ParzenSettings {
  gamma: number;
  /** Candidates drawn from l(x) per step (Optuna's n_ei_candidates). */
  candidates: number;
}

/**
 * A coordinate per dimension. Univariate (Optuna's default) fits and picks each dimension
 * on its own; multivariate fits joint kernels and picks whole points.
 */
export function proposePoint(
  dimensions: readonly Dimension[],
  observations: readonly Observation[],
  settings: ProposalSettings,
  rng: Rng,
): number[] {
  const { good, rest } = splitObservations(observations, settings.gamma);
  const groups = settings.multivariate ? [dimensions.map((_, d) => d)] : dimensions.map((_, d) => [d]);
  const point = new Array<number>(dimensions.length);
  for (const group of groups) {
    const project = (list: Observation[]) => list.map((o) => group.map((d) => o.point[d]));
    const groupDimensions = group.map((d) => dimensions[d]);
    const goodModel = new ParzenEstimator(groupDimensions, project(good), trialWeights(good.length), settings);
    const restModel = new ParzenEstimator(groupDimensions, project(rest), trialWeights(rest.length), settings);
    // Discrete domains draw the same candidate often; scoring it once keeps TPE cheap.
    const scores = new Map<string, number>();
    let best: number[] = [];
    let bestScore = -Infinity;
    for (let i = 0; i < settings.candidates; i++) {
      const candidate = goodModel.sample(rng);
      const key = candidate.join(',');
      const score = scores.get(key) ?? goodModel.logPdf(candidate) - restModel.logPdf(candidate);
      scores.set(key, score);
      if (i === 0 || score > bestScore) [best, bestScore] = [candidate, score];
    }
    group.forEach((d, j) => (point[d] = best[j]));
  }
  return point;
}
