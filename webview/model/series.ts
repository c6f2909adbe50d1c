/**
 * A trial's learning curve from its reported rows, kept as columns (protocol PointColumns:
 * 200,000 rows as objects would cost the page more to build than to draw). A restore from
 * a checkpoint makes the trial report the same iterations again; the earlier rows are
 * superseded and must not be drawn as if they were current (issue 7).
 */
import type { PointColumns } from '../../protocol/dashboard_messages';

/** The curves' x: training_iteration, time_total_s, wall-clock time (the results' timestamps), or any reported metric. */
export type XAxis = 'training_iteration' | 'time_total_s' | 'wall_time' | `metric:${string}`;

export const FIXED_X_AXES: readonly XAxis[] = ['training_iteration', 'time_total_s', 'wall_time'];

/** A saved x axis read back: anything else is training_iteration. */
export function readXAxis(raw: unknown): XAxis {
  if (typeof raw !== 'string') return 'training_iteration';
  if ((FIXED_X_AXES as readonly string[]).includes(raw)) return raw as XAxis;
  return raw.startsWith('metric:') && raw.length > 7 ? (raw as XAxis) : 'training_iteration';
}

/** What the axis title says. */
export function xAxisLabel(axis: XAxis): string {
  return axis === 'wall_time' ? 'wall time' : axis.startsWith('metric:') ? axis.slice(7) : axis;
}

export interface XY {
  x: number;
  y: number;
}

export interface SplitRows {
  /** Indices of the rows that stand, in order. */
  current: number[];
  /** Each run of rows a later restore replaced, oldest first. */
  superseded: number[][];
}

/** Splits rows into those that stand and those a rewind of training_iteration replaced. */
export function splitSuperseded(iteration: readonly number[]): SplitRows {
  const current: number[] = [];
  const superseded: number[][] = [];
  for (let i = 0; i < iteration.length; i++) {
    const last = current[current.length - 1];
    if (last !== undefined && iteration[i] <= iteration[last]) {
      let cut = current.length;
      while (cut > 0 && iteration[current[cut - 1]] >= iteration[i]) cut--;
      superseded.push(current.splice(cut));
    }
    current.push(i);
  }
  return { current, superseded };
}

/** The x of every row; null (or absent) where a row lacks the metric the axis is. */
export function xColumn(columns: PointColumns, axis: XAxis): ReadonlyArray<number | null> {
  if (axis === 'training_iteration') return columns.iteration;
  if (axis === 'time_total_s') return columns.timeTotalS;
  if (axis === 'wall_time') return columns.ts;
  return columns.values[axis.slice(7)] ?? [];
}

/** Row `row`'s x, when it is a finite number. */
export function xAt(xs: ReadonlyArray<number | null>, row: number): number | undefined {
  const v = xs[row];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Row `row`'s value of `metric`, when it is a finite number. */
export function valueAt(columns: PointColumns, metric: string, row: number): number | undefined {
  const v = columns.values[metric]?.[row];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** The curve through `rows`; rows without a finite value of `metric` are left out. */
export function toXY(columns: PointColumns, rows: readonly number[], metric: string, axis: XAxis): XY[] {
  const xs = xColumn(columns, axis);
  const out: XY[] = [];
  for (const row of rows) {
    const y = valueAt(columns, metric, row);
    const x = xAt(xs, row);
    if (y !== undefined && x !== undefined) out.push({ x, y });
  }
  return out;
}

export const NO_POINTS: PointColumns = { iteration: [], timeTotalS: [], ts: [], values: {} };
