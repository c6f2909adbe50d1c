/**
 * A trial's learning curve from its reported rows, kept as columns (protocol PointColumns:
 * 200,000 rows as objects would cost the page more to build than to draw). A restore from
 * a checkpoint makes the trial report the same iterations again; the earlier rows are
 * superseded and must not be drawn as if they were current (issue 7).
 */
import type { PointColumns } from '../../protocol/dashboard_messages';

export type XAxis = 'training_iteration' | 'time_total_s';

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

export function xColumn(columns: PointColumns, axis: XAxis): readonly number[] {
  return axis === 'training_iteration' ? columns.iteration : columns.timeTotalS;
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
    if (y !== undefined) out.push({ x: xs[row], y });
  }
  return out;
}

export const NO_POINTS: PointColumns = { iteration: [], timeTotalS: [], ts: [], values: {} };
