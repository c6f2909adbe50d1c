/**
 * A trial's learning curve from its reported points. A restore from a checkpoint makes the
 * trial report the same iterations again; the earlier rows are superseded and must not be
 * drawn as if they were current (issue 7).
 */
import type { MetricPoint } from '../../protocol/runtime_api';

export type XAxis = 'training_iteration' | 'time_total_s';

export interface XY {
  x: number;
  y: number;
}

export interface SplitPoints {
  /** The rows that stand, in order. */
  current: MetricPoint[];
  /** Each run of rows a later restore replaced, oldest first. */
  superseded: MetricPoint[][];
}

/** Splits rows into those that stand and those a rewind of training_iteration replaced. */
export function splitSuperseded(points: readonly MetricPoint[]): SplitPoints {
  const current: MetricPoint[] = [];
  const superseded: MetricPoint[][] = [];
  for (const p of points) {
    const last = current[current.length - 1];
    if (last && p.iteration <= last.iteration) {
      let cut = current.length;
      while (cut > 0 && current[cut - 1].iteration >= p.iteration) cut--;
      superseded.push(current.splice(cut));
    }
    current.push(p);
  }
  return { current, superseded };
}

export function xOf(p: MetricPoint, axis: XAxis): number {
  return axis === 'training_iteration' ? p.iteration : p.timeTotalS;
}

/** Rows without a finite value of `metric` are left out. */
export function toXY(points: readonly MetricPoint[], metric: string, axis: XAxis): XY[] {
  const out: XY[] = [];
  for (const p of points) {
    const y = p.values[metric];
    if (typeof y === 'number' && Number.isFinite(y)) out.push({ x: xOf(p, axis), y });
  }
  return out;
}

/** Every numeric metric any trial reported, sorted, for the metric picker. */
export function metricNames(pointsByTrial: Iterable<readonly MetricPoint[]>, lastMetrics: Iterable<Record<string, number>>): string[] {
  const names = new Set<string>();
  for (const points of pointsByTrial) for (const p of points) for (const k of Object.keys(p.values)) names.add(k);
  for (const m of lastMetrics) for (const k of Object.keys(m)) names.add(k);
  return [...names].sort();
}
