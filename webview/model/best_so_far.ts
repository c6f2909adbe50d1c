/** The experiment's best-so-far curve: the best standing result over wall-clock time. */
import type { MetricPoint } from '../../protocol/runtime_api';

export interface BestPoint {
  /** Seconds since the experiment started. */
  x: number;
  y: number;
  trialId: string;
}

/**
 * One point per improvement (a step curve), plus one at `until` so the last best reaches
 * the present. `current` holds each trial's standing rows (superseded ones removed).
 */
export function bestSoFar(
  current: ReadonlyMap<string, readonly MetricPoint[]>,
  metric: string,
  mode: 'min' | 'max',
  startedAt: number,
  until?: number,
): BestPoint[] {
  const all: Array<{ ts: number; y: number; trialId: string }> = [];
  for (const [trialId, points] of current) {
    for (const p of points) {
      const y = p.values[metric];
      if (typeof y === 'number' && Number.isFinite(y)) all.push({ ts: p.ts, y, trialId });
    }
  }
  all.sort((a, b) => a.ts - b.ts);
  const better = mode === 'max' ? (a: number, b: number) => a > b : (a: number, b: number) => a < b;
  const out: BestPoint[] = [];
  for (const r of all) {
    const last = out[out.length - 1];
    if (!last || better(r.y, last.y)) out.push({ x: r.ts - startedAt, y: r.y, trialId: r.trialId });
  }
  const last = out[out.length - 1];
  if (last && until !== undefined && until - startedAt > last.x) out.push({ x: until - startedAt, y: last.y, trialId: last.trialId });
  return out;
}

/**
 * The rows where a trial beat its own best so far. A new experiment-wide best is always one
 * of these, so the best-so-far curve can be built from them alone, without every row.
 */
export function ownImprovements(current: readonly MetricPoint[], metric: string, mode: 'min' | 'max'): MetricPoint[] {
  const out: MetricPoint[] = [];
  let best: number | undefined;
  for (const p of current) {
    const y = p.values[metric];
    if (typeof y !== 'number' || !Number.isFinite(y)) continue;
    if (best === undefined || (mode === 'max' ? y > best : y < best)) {
      best = y;
      out.push(p);
    }
  }
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
