/**
 * One searched leaf as TPE models it. Numeric domains live on an axis (the logarithm for
 * log domains, as Optuna does) where kernels are Gaussians; discrete domains (integers and
 * quantized) own one cell per value, half a step either side, and a value's probability is
 * its cell's mass. Categorical domains are modelled by index.
 *
 * A trial's coordinate in a dimension is the value itself for numeric domains and the
 * category's index for choice, so saved states read like the configs they came from.
 */
import { isDeepStrictEqual } from 'node:util';
import { roundToStep, type SampledDomain } from '../domain';

export interface NumericDimension {
  kind: 'numeric';
  /** Bounds on the axis; infinite for randn and qrandn. */
  low: number;
  high: number;
  priorMu: number;
  priorSigma: number;
  /** The width bandwidths are clipped against: high − low, or sd for the unbounded normals. */
  span: number;
  /** Where a value sits on the axis, and its cell when the domain is discrete. Values outside the domain are moved in first. */
  locate(value: number): { x: number; cell?: [number, number] };
  /** The domain value for a draw on the axis (rounded to a step, kept inside the bounds). */
  valueOf(x: number): number;
  /** Why a user-given value (points_to_evaluate) cannot be modelled here, if it cannot. */
  problemWith(value: unknown): string | undefined;
}

export interface CategoricalDimension {
  kind: 'categorical';
  categories: readonly unknown[];
  /** The index of a value among the categories, -1 when absent (compared by content). */
  indexOf(value: unknown): number;
  problemWith(value: unknown): string | undefined;
}

export type Dimension = NumericDimension | CategoricalDimension;

/** The value of a trial in a dimension: the number itself, or a category's index. */
export function coordinateOf(dimension: Dimension, value: unknown): number {
  if (dimension.kind === 'categorical') return dimension.indexOf(value);
  return value as number;
}

export function valueAt(dimension: Dimension, coordinate: number): unknown {
  return dimension.kind === 'categorical' ? structuredClone(dimension.categories[coordinate]) : coordinate;
}

export function dimensionOf(domain: SampledDomain): Dimension {
  switch (domain.kind) {
    case 'choice':
      return categorical(domain.categories);
    case 'uniform':
      return continuous(domain.lower, domain.upper, false);
    case 'loguniform':
      return continuous(domain.lower, domain.upper, true);
    case 'randn':
      return normal(domain.mean, domain.sd);
    case 'randint':
      return discrete({ q: 1, first: domain.lower, last: domain.upper - 1, log: false });
    case 'lograndint':
      return discrete({ q: 1, first: domain.lower, last: domain.upper - 1, log: true });
    case 'qrandint':
    case 'qlograndint': {
      const { q, lower, upper } = domain;
      return discrete({ q, first: Math.ceil(lower / q), last: Math.floor(upper / q), log: domain.kind === 'qlograndint' });
    }
    case 'quniform':
    case 'qloguniform': {
      const { q, lower, upper } = domain;
      return discrete({ q, first: Math.round(lower / q), last: Math.round(upper / q), log: domain.kind === 'qloguniform' });
    }
    case 'qrandn':
      return discrete({ q: domain.q, first: -Infinity, last: Infinity, log: false, prior: [domain.mean, domain.sd] });
  }
}

function categorical(categories: readonly unknown[]): CategoricalDimension {
  const indexOf = (value: unknown) => categories.findIndex((category) => isDeepStrictEqual(category, value));
  return {
    kind: 'categorical',
    categories,
    indexOf,
    problemWith: (value) => (indexOf(value) < 0 ? `is not one of the choices ${JSON.stringify(categories)}` : undefined),
  };
}

/** uniform and loguniform: drawn values stay below upper, as Ray's do; a given point may sit on it. */
function continuous(lower: number, upper: number, log: boolean): NumericDimension {
  const axis = log ? Math.log : (v: number) => v;
  const [low, high] = [axis(lower), axis(upper)];
  const highest = below(upper);
  const inside = (v: number) => Math.min(Math.max(v, lower), highest);
  return {
    kind: 'numeric',
    low,
    high,
    priorMu: 0.5 * (low + high),
    priorSigma: high - low,
    span: high - low,
    locate: (value) => ({ x: axis(inside(value)) }),
    valueOf: (x) => inside(log ? Math.exp(x) : x),
    problemWith: rangeProblem(lower, upper),
  };
}

/** randn: unbounded, so the prior is the domain's own normal and bandwidths are clipped against sd. */
function normal(mean: number, sd: number): NumericDimension {
  return {
    kind: 'numeric',
    low: -Infinity,
    high: Infinity,
    priorMu: mean,
    priorSigma: sd,
    span: sd,
    locate: (value) => ({ x: value }),
    valueOf: (x) => x,
    problemWith: rangeProblem(-Infinity, Infinity),
  };
}

interface Grid {
  q: number;
  /** First and last values, counted in steps of q. */
  first: number;
  last: number;
  log: boolean;
  /** Mean and sd of qrandn, the one unbounded discrete domain. */
  prior?: [number, number];
}

function discrete({ q, first, last, log, prior }: Grid): NumericDimension {
  const axis = log ? Math.log : (v: number) => v;
  const fromAxis = log ? Math.exp : (v: number) => v;
  const snap = (v: number) => roundToStep(Math.min(Math.max(Math.round(v / q), first), last), q);
  const [low, high] = [axis(first * q - q / 2), axis(last * q + q / 2)];
  const bounded = prior === undefined;
  return {
    kind: 'numeric',
    low,
    high,
    priorMu: bounded ? 0.5 * (low + high) : prior[0],
    priorSigma: bounded ? high - low : prior[1],
    span: bounded ? high - low : prior[1],
    locate: (value) => {
      const v = snap(value);
      return { x: axis(v), cell: [axis(v - q / 2), axis(v + q / 2)] };
    },
    valueOf: (x) => snap(fromAxis(x)),
    problemWith: rangeProblem(roundToStep(first, q), roundToStep(last, q)),
  };
}

function rangeProblem(lower: number, upper: number): (value: unknown) => string | undefined {
  return (value) => {
    if (typeof value !== 'number' || !Number.isFinite(value))
      return `must be a finite number to be modelled by TPE; got ${JSON.stringify(value)}`;
    return value >= lower && value <= upper ? undefined : `is outside the searched range [${lower}, ${upper}]`;
  };
}

/** The largest double below x. */
function below(x: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigInt64(0);
  if (x === 0) return -Number.MIN_VALUE;
  view.setBigInt64(0, x > 0 ? bits - 1n : bits + 1n);
  return view.getFloat64(0);
}
