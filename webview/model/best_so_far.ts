/** The experiment's best-so-far curve: the best standing result over wall-clock time. */
import type { PointColumns } from '../../protocol/dashboard_messages';

export { BEST_SCOPE_DOC, BEST_SCOPE_LABEL, type BestScope } from '../../protocol/runtime_api';

export interface BestPoint {
  /** Seconds since the experiment started. */
  x: number;
  y: number;
  trialId: string;
}

/**
 * The rows where a trial beat its own best so far, in time order. A new experiment-wide
 * best is always one of these, so the curve is built from them alone; the page keeps one
 * run per trial and rebuilds it only when the trial's rows change.
 */
export interface BestRun {
  trialId: string;
  ts: number[];
  y: number[];
}

/** scope "last": the trial's last standing row with a value, as a run of one. */
export function lastRun(trialId: string, columns: PointColumns, current: readonly number[], metric: string): BestRun | undefined {
  const values = columns.values[metric] ?? [];
  for (let i = current.length - 1; i >= 0; i--) {
    const y = values[current[i]];
    if (typeof y === 'number' && Number.isFinite(y)) return { trialId, ts: [columns.ts[current[i]]], y: [y] };
  }
  return undefined;
}

/** scope "all": the rows where the trial beat its own best; `current`: the indices of its standing rows, in time order. */
export function bestRun(trialId: string, columns: PointColumns, current: readonly number[], metric: string, mode: 'min' | 'max'): BestRun | undefined {
  const run: BestRun = { trialId, ts: [], y: [] };
  const values = columns.values[metric] ?? [];
  for (const row of current) {
    const y = values[row];
    if (typeof y !== 'number' || !Number.isFinite(y)) continue;
    const best = run.y[run.y.length - 1];
    if (best === undefined || (mode === 'max' ? y > best : y < best)) {
      run.ts.push(columns.ts[row]);
      run.y.push(y);
    }
  }
  return run.ts.length ? run : undefined;
}

/**
 * One point per improvement (a step curve), plus one at `until` so the last best reaches
 * the present. Rows that cannot beat a trial which ended before their trial began are
 * dropped before sorting, which leaves few rows when trials run in waves.
 */
export function bestSoFar(runs: readonly BestRun[], mode: 'min' | 'max', startedAt: number, until?: number): BestPoint[] {
  const better = mode === 'max' ? (a: number, b: number) => a > b : (a: number, b: number) => a < b;
  const first = (r: BestRun) => r.ts[0];
  const last = (r: BestRun) => r.ts[r.ts.length - 1];
  const byFirst = [...runs].sort((a, b) => first(a) - first(b));
  const byLast = [...runs].sort((a, b) => last(a) - last(b));
  const candidates: Array<{ ts: number; y: number; trialId: string }> = [];
  let bar: number | undefined;
  let ended = 0;
  for (const run of byFirst) {
    for (; ended < byLast.length && last(byLast[ended]) < first(run); ended++) {
      const best = byLast[ended].y[byLast[ended].y.length - 1];
      if (bar === undefined || better(best, bar)) bar = best;
    }
    run.y.forEach((y, i) => {
      if (bar === undefined || better(y, bar)) candidates.push({ ts: run.ts[i], y, trialId: run.trialId });
    });
  }
  candidates.sort((a, b) => a.ts - b.ts);
  const out: BestPoint[] = [];
  for (const c of candidates) {
    const prev = out[out.length - 1];
    if (!prev || better(c.y, prev.y)) out.push({ x: c.ts - startedAt, y: c.y, trialId: c.trialId });
  }
  const end = out[out.length - 1];
  if (end && until !== undefined && until - startedAt > end.x) out.push({ x: until - startedAt, y: end.y, trialId: end.trialId });
  return out;
}

/** The trial holding the best standing value of `metric`, if any reported it. */
export function bestTrial(
  lastValues: Iterable<{ id: string; value: number | undefined }>,
  mode: 'min' | 'max',
): { trialId: string; value: number } | undefined {
  let best: { trialId: string; value: number } | undefined;
  for (const { id, value } of lastValues) {
    if (value === undefined || !Number.isFinite(value)) continue;
    if (!best || (mode === 'max' ? value > best.value : value < best.value)) best = { trialId: id, value };
  }
  return best;
}
