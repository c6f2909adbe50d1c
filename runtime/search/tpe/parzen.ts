/**
 * A Parzen estimator as Optuna's TPE builds one: a weighted mixture with one kernel per
 * observed trial plus a prior kernel over the whole domain. A kernel is a product over the
 * estimator's dimensions of a truncated Gaussian (numeric) or a smoothed one-hot
 * distribution (categorical). Bandwidths follow Optuna: the larger gap to a neighbouring
 * observation, clipped between span / min(100, kernels + 1) and the span ("magic clip").
 */
import type { Rng } from '../rng';
import { type CategoricalDimension, type Dimension, type NumericDimension } from './dimension';
import { logMassBetween, logNormalPdf, truncatedNormalQuantile } from './normal';

export interface ParzenSettings {
  /** Weight of the prior kernel against observation weights (Optuna's prior_weight). */
  priorWeight: number;
  /** Let the outermost observations use their gap to the domain's ends as bandwidth. */
  considerEndpoints: boolean;
  /** Joint kernels over all dimensions, with Optuna's multivariate bandwidth rule. */
  multivariate: boolean;
}

interface NumericComponent {
  dimension: NumericDimension;
  mus: number[];
  sigmas: number[];
  /** log of each kernel's mass inside the bounds, which truncation divides by. */
  logMasses: number[];
  /** log(sigma) + logMasses: what a density divides by. */
  logScales: number[];
}

interface CategoricalComponent {
  dimension: CategoricalDimension;
  /** Per kernel, the log probability of each category. */
  logProbabilities: number[][];
}

type Component = NumericComponent | CategoricalComponent;

export class ParzenEstimator {
  private readonly logWeights: number[];
  private readonly cumulativeWeights: number[];
  private readonly components: Component[];

  /**
   * `points[i][d]` is observation i's coordinate in dimension d (a value, or a category
   * index); `weights[i]` its weight. The prior kernel comes last.
   */
  constructor(dimensions: readonly Dimension[], points: readonly number[][], weights: readonly number[], settings: ParzenSettings) {
    const all = points.length === 0 ? [1] : [...weights, settings.priorWeight];
    const total = all.reduce((sum, w) => sum + w, 0);
    this.logWeights = all.map((w) => Math.log(w / total));
    let running = 0;
    this.cumulativeWeights = all.map((w) => (running += w / total));
    this.components = dimensions.map((dimension, d) => {
      const column = points.map((point) => point[d]);
      return dimension.kind === 'categorical'
        ? categoricalComponent(dimension, column, settings)
        : numericComponent(dimension, column, settings, dimensions.length);
    });
  }

  /** One draw: a coordinate per dimension. */
  sample(rng: Rng): number[] {
    const u = rng.next();
    let kernel = 0;
    while (kernel < this.cumulativeWeights.length - 1 && u >= this.cumulativeWeights[kernel]) kernel++;
    return this.components.map((component) => {
      if ('logProbabilities' in component) return drawIndex(component.logProbabilities[kernel], rng.next());
      const { dimension, mus, sigmas, logMasses } = component;
      const [mu, sigma] = [mus[kernel], sigmas[kernel]];
      const z = truncatedNormalQuantile((dimension.low - mu) / sigma, (dimension.high - mu) / sigma, rng.next(), logMasses[kernel]);
      return dimension.valueOf(mu + sigma * z);
    });
  }

  /** log density (probability, for discrete dimensions) of a point under the mixture. */
  logPdf(point: readonly number[]): number {
    const perKernel = Float64Array.from(this.logWeights);
    const kernels = perKernel.length;
    for (let d = 0; d < this.components.length; d++) {
      const component = this.components[d];
      if ('logProbabilities' in component) {
        for (let k = 0; k < kernels; k++) perKernel[k] += component.logProbabilities[k][point[d]];
        continue;
      }
      const { mus, sigmas, logMasses } = component;
      const { x, cell } = component.dimension.locate(point[d]);
      for (let k = 0; k < kernels; k++) {
        const [mu, sigma] = [mus[k], sigmas[k]];
        perKernel[k] += cell
          ? logMassBetween((cell[0] - mu) / sigma, (cell[1] - mu) / sigma) - logMasses[k]
          : logNormalPdf((x - mu) / sigma) - component.logScales[k];
      }
    }
    return logSumExp(perKernel);
  }
}

function numericComponent(
  dimension: NumericDimension,
  values: number[],
  settings: ParzenSettings,
  dimensionCount: number,
): NumericComponent {
  const mus = values.map((value) => dimension.locate(value).x);
  const { span, low, high } = dimension;
  const minSigma = span / Math.min(100, 1 + (mus.length + 1));
  const raw = settings.multivariate
    ? mus.map(() => 0.2 * Math.max(mus.length, 1) ** (-1 / (dimensionCount + 4)) * span)
    : gapSigmas(mus, dimension, settings.considerEndpoints);
  const sigmas = [...raw.map((s) => Math.min(Math.max(s, minSigma), span)), dimension.priorSigma];
  const allMus = [...mus, dimension.priorMu];
  const logMasses = allMus.map((mu, k) => logMassBetween((low - mu) / sigmas[k], (high - mu) / sigmas[k]));
  const logScales = logMasses.map((logMass, k) => Math.log(sigmas[k]) + logMass);
  return { dimension, mus: allMus, sigmas, logMasses, logScales };
}

/** Each observation's larger gap to its neighbours, the prior's centre and the bounds among them. */
function gapSigmas(mus: number[], dimension: NumericDimension, considerEndpoints: boolean): number[] {
  const withPrior = [...mus, dimension.priorMu];
  const order = withPrior.map((_, i) => i).sort((a, b) => withPrior[a] - withPrior[b] || a - b);
  const line = [dimension.low, ...order.map((i) => withPrior[i]), dimension.high];
  const sorted = order.map((_, j) => Math.max(line[j + 1] - line[j], line[j + 2] - line[j + 1]));
  if (!considerEndpoints && line.length >= 4) {
    sorted[0] = line[2] - line[1];
    sorted[sorted.length - 1] = line[line.length - 2] - line[line.length - 3];
  }
  const sigmas = new Array<number>(withPrior.length);
  order.forEach((i, j) => (sigmas[i] = sorted[j]));
  return sigmas.slice(0, mus.length);
}

function categoricalComponent(dimension: CategoricalDimension, indices: number[], settings: ParzenSettings): CategoricalComponent {
  const size = dimension.categories.length;
  if (indices.length === 0) return { dimension, logProbabilities: [new Array<number>(size).fill(-Math.log(size))] };
  const base = settings.priorWeight / (indices.length + 1);
  const rows = [...indices, -1].map((observed) => {
    const row = new Array<number>(size).fill(base);
    if (observed >= 0) row[observed] += 1;
    const sum = row.reduce((s, p) => s + p, 0);
    return row.map((p) => Math.log(p / sum));
  });
  return { dimension, logProbabilities: rows };
}

function drawIndex(logProbabilities: number[], u: number): number {
  let cumulative = 0;
  for (let i = 0; i < logProbabilities.length; i++) {
    cumulative += Math.exp(logProbabilities[i]);
    if (u < cumulative) return i;
  }
  return logProbabilities.length - 1;
}

function logSumExp(values: Float64Array): number {
  let max = -Infinity;
  for (const v of values) max = Math.max(max, v);
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (const v of values) sum += Math.exp(v - max);
  return max + Math.log(sum);
}
