/** Data for the hyperparameters-vs-result charts: parallel coordinates and a param/metric scatter. */
import type { TrialSummary } from '../../protocol/runtime_api';
import { metricAxis, normalize, paramAxes, paramValue, type Axis } from './param_axes';
import type { ParamSpace } from '../../protocol/spec';

export interface ParallelPlan {
  /** The params, then the metric last. */
  axes: Axis[];
  /** Per trial, its position (0..1) on each axis; undefined where it has no value. */
  lines: Array<{ trialId: string; at: Array<number | undefined> }>;
}

export function parallelPlan(space: ParamSpace, trials: readonly TrialSummary[], metric: string): ParallelPlan {
  const params = paramAxes(space, trials);
  const metricValues = trials.map((t) => t.metrics[metric]).filter((v): v is number => typeof v === 'number');
  const axes = [...params, metricAxis(metric, metricValues)];
  const lines = trials.map((t) => ({
    trialId: t.id,
    at: axes.map((axis, i) => normalize(axis.scale, i === params.length ? t.metrics[metric] : paramValue(t, axis.key))),
  }));
  return { axes, lines };
}

export interface ScatterPoint {
  /** The param value, or the category's index on a categorical axis. */
  x: number;
  y: number;
  trialId: string;
}

export function scatterPoints(axis: Axis, trials: readonly TrialSummary[], metric: string): ScatterPoint[] {
  const out: ScatterPoint[] = [];
  for (const t of trials) {
    const y = t.metrics[metric];
    if (typeof y !== 'number' || !Number.isFinite(y)) continue;
    const v = paramValue(t, axis.key);
    let x: number | undefined;
    if (axis.scale.kind === 'categorical') {
      const at = normalize(axis.scale, v);
      x = at === undefined ? undefined : Math.round(at * Math.max(axis.scale.values.length - 1, 0));
    } else if (typeof v === 'number' && Number.isFinite(v) && (axis.scale.kind !== 'log' || v > 0)) {
      x = v;
    }
    if (x !== undefined) out.push({ x, y, trialId: t.id });
  }
  return out;
}
