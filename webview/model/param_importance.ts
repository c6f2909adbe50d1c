/**
 * Hyperparameter importance, fANOVA-like and first-order: for each parameter, the share of
 * the metric's variance that its own marginal explains (η², the variance of the per-bin mean
 * metric over the total variance). Categorical parameters are binned by value; numeric ones
 * into up to `bins` equal-count bins of their sorted values (so a log-scaled parameter is
 * binned alike in log space). Importances are then normalised to sum to 1, as Optuna's fANOVA
 * reports them; interactions are not counted. Each trial contributes its last result.
 */
import type { TrialSummary } from '../../protocol/runtime_api';
import { paramValue, type Axis } from './param_axes';

export const IMPORTANCE_METHOD =
  "fANOVA-like: each parameter's share of the metric's variance explained by its own marginal means (η², numeric values in equal-count bins), normalised to sum to 1; from each trial's last result";

/** Fewer trials with the metric than this, and importance says nothing worth drawing. */
export const MIN_TRIALS = 4;

export interface Importance {
  key: string;
  label: string;
  /** Normalised share, 0..1. */
  importance: number;
  /** η² of this parameter alone, before normalising. */
  explained: number;
}

/** Bin index per value: categories by value; numbers into up to `bins` equal-count bins (ties stay together). */
function binsOf(values: readonly unknown[], categorical: boolean, bins: number): number[] {
  if (categorical || values.some((v) => typeof v !== 'number')) {
    const ids = new Map<string, number>();
    return values.map((v) => {
      const k = JSON.stringify(v);
      let id = ids.get(k);
      if (id === undefined) ids.set(k, (id = ids.size));
      return id;
    });
  }
  const order = values.map((v, i) => ({ v: v as number, i })).sort((a, b) => a.v - b.v);
  const out = new Array<number>(values.length);
  const per = order.length / Math.min(bins, order.length);
  let bin = 0;
  order.forEach((o, rank) => {
    // A new bin starts only between distinct values, so equal values share a bin.
    if (rank > 0 && o.v !== order[rank - 1].v && rank >= (bin + 1) * per) bin = Math.floor(rank / per);
    out[o.i] = bin;
  });
  return out;
}

/** η²: between-bin variance of the means over the total variance. */
function explainedVariance(ys: readonly number[], bins: readonly number[]): number {
  const n = ys.length;
  const mean = ys.reduce((a, b) => a + b, 0) / n;
  const total = ys.reduce((a, y) => a + (y - mean) ** 2, 0);
  if (!(total > 0)) return 0;
  const sums = new Map<number, { sum: number; count: number }>();
  ys.forEach((y, i) => {
    const s = sums.get(bins[i]) ?? { sum: 0, count: 0 };
    s.sum += y;
    s.count++;
    sums.set(bins[i], s);
  });
  let between = 0;
  for (const s of sums.values()) between += s.count * (s.sum / s.count - mean) ** 2;
  return between / total;
}

/** Importance of each parameter axis for `metric`, highest first; empty with too few trials. */
export function paramImportance(axes: readonly Axis[], trials: readonly TrialSummary[], metric: string, bins = 5): Importance[] {
  const rated = trials.filter((t) => typeof t.metrics[metric] === 'number' && Number.isFinite(t.metrics[metric]));
  if (rated.length < MIN_TRIALS) return [];
  const raw = axes.map((axis) => {
    const rows = rated.filter((t) => paramValue(t, axis.key) !== undefined);
    const explained = rows.length < MIN_TRIALS ? 0 : explainedVariance(rows.map((t) => t.metrics[metric]), binsOf(rows.map((t) => paramValue(t, axis.key)), axis.scale.kind === 'categorical', bins));
    return { key: axis.key, label: axis.label, explained };
  });
  const sum = raw.reduce((a, r) => a + r.explained, 0);
  return raw.map((r) => ({ ...r, importance: sum > 0 ? r.explained / sum : 0 })).sort((a, b) => b.importance - a.importance);
}
