/**
 * Axes for the hyperparameter charts: one per searched parameter plus the metric, each
 * mapping a value to 0..1. A log-scaled space (loguniform and the like) gets a log axis;
 * choice and grid_search get evenly spaced categories.
 */
import { shortParamName } from '../../protocol/format';
import type { TrialSummary } from '../../protocol/runtime_api';
import type { ParamSpace } from '../../protocol/spec';

export type AxisScale =
  | { kind: 'linear'; min: number; max: number }
  | { kind: 'log'; min: number; max: number }
  | { kind: 'categorical'; values: string[] };

export interface Axis {
  /** A param path (`train_loop_config/lr`) or `metric:<name>`. */
  key: string;
  label: string;
  scale: AxisScale;
}

const LOG_PRIMITIVES = new Set(['loguniform', 'qloguniform', 'lograndint', 'qlograndint']);
const CATEGORICAL_PRIMITIVES = new Set(['choice', 'grid_search']);

/** Searched leaves of a param_space, path → the primitive that samples it. */
export function searchedLeaves(space: unknown, prefix = ''): Map<string, string> {
  const found = new Map<string, string>();
  if (typeof space !== 'object' || space === null || Array.isArray(space)) return found;
  const keys = Object.keys(space);
  for (const key of keys) {
    const node = (space as Record<string, unknown>)[key];
    const path = prefix ? `${prefix}/${key}` : key;
    if (typeof node !== 'object' || node === null || Array.isArray(node)) continue;
    const inner = Object.keys(node);
    if (inner.length === 1 && (LOG_PRIMITIVES.has(inner[0]) || CATEGORICAL_PRIMITIVES.has(inner[0]) || /^(q?uniform|q?randint|q?randn)$/.test(inner[0]))) {
      found.set(path, inner[0]);
    } else {
      for (const [p, kind] of searchedLeaves(node, path)) found.set(p, kind);
    }
  }
  return found;
}

/** How a categorical axis (and a filter on one) spells a value. */
export function categoryLabel(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function numericRange(values: number[]): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min === Infinity) return { min: 0, max: 1 };
  return { min, max };
}

/** The label is the path's last part, unless two params share it. */
function labels(paths: string[]): Map<string, string> {
  const last = shortParamName;
  const counts = new Map<string, number>();
  for (const p of paths) counts.set(last(p), (counts.get(last(p)) ?? 0) + 1);
  return new Map(paths.map((p) => [p, counts.get(last(p))! > 1 ? p : last(p)]));
}

export function paramValue(trial: TrialSummary, path: string): unknown {
  return trial.params.find((p) => p.path === path)?.value;
}

/** Axes in param_space order (then any param only trials name), with ranges from what trials took. */
export function paramAxes(space: ParamSpace, trials: readonly TrialSummary[]): Axis[] {
  const leaves = searchedLeaves(space);
  for (const t of trials) for (const p of t.params) if (!leaves.has(p.path)) leaves.set(p.path, 'uniform');
  const names = labels([...leaves.keys()]);
  const axes: Axis[] = [];
  for (const [path, primitive] of leaves) {
    const values = trials.map((t) => paramValue(t, path)).filter((v) => v !== undefined);
    const numbers = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    let scale: AxisScale;
    if (CATEGORICAL_PRIMITIVES.has(primitive) || numbers.length < values.length) {
      const distinct = [...new Map(values.map((v) => [categoryLabel(v), v])).entries()];
      if (distinct.every(([, v]) => typeof v === 'number')) distinct.sort((a, b) => (a[1] as number) - (b[1] as number));
      else distinct.sort((a, b) => a[0].localeCompare(b[0]));
      scale = { kind: 'categorical', values: distinct.map(([label]) => label) };
    } else if (LOG_PRIMITIVES.has(primitive) && numbers.every((v) => v > 0)) {
      scale = { kind: 'log', ...numericRange(numbers) };
    } else {
      scale = { kind: 'linear', ...numericRange(numbers) };
    }
    axes.push({ key: path, label: names.get(path)!, scale });
  }
  return axes;
}

export function metricAxis(metric: string, values: number[]): Axis {
  return { key: `metric:${metric}`, label: metric, scale: { kind: 'linear', ...numericRange(values.filter(Number.isFinite)) } };
}

/** 0..1 along the axis; undefined when the value cannot be placed (missing, or ≤ 0 on a log axis). */
export function normalize(scale: AxisScale, value: unknown): number | undefined {
  if (scale.kind === 'categorical') {
    const i = scale.values.indexOf(categoryLabel(value));
    if (value === undefined || i < 0) return undefined;
    return scale.values.length === 1 ? 0.5 : i / (scale.values.length - 1);
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  if (scale.kind === 'log') {
    if (value <= 0) return undefined;
    const lo = Math.log10(scale.min);
    const hi = Math.log10(scale.max);
    return hi === lo ? 0.5 : (Math.log10(value) - lo) / (hi - lo);
  }
  return scale.max === scale.min ? 0.5 : (value - scale.min) / (scale.max - scale.min);
}

/** The value at position `at` (0..1) of a numeric axis; undefined on a categorical one. */
export function denormalize(scale: AxisScale, at: number): number | undefined {
  if (scale.kind === 'categorical') return undefined;
  if (scale.kind === 'log') return 10 ** (Math.log10(scale.min) + at * (Math.log10(scale.max) - Math.log10(scale.min)));
  return scale.min + at * (scale.max - scale.min);
}

/** Tick positions (0..1) and labels: each category, the ends of a linear axis, powers of ten on a log one. */
export function axisTicks(scale: AxisScale, format: (n: number) => string): Array<{ at: number; label: string }> {
  if (scale.kind === 'categorical') return scale.values.map((label, i, all) => ({ at: all.length === 1 ? 0.5 : i / (all.length - 1), label }));
  if (scale.kind === 'linear') {
    return [0, 0.5, 1].map((at) => ({ at, label: format(scale.min + at * (scale.max - scale.min)) }));
  }
  const ticks = [{ at: 0, label: format(scale.min) }];
  for (let e = Math.ceil(Math.log10(scale.min)); e <= Math.floor(Math.log10(scale.max)); e++) {
    const at = normalize(scale, 10 ** e)!;
    if (at > 0.05 && at < 0.95) ticks.push({ at, label: format(10 ** e) });
  }
  ticks.push({ at: 1, label: format(scale.max) });
  return ticks;
}
