/**
 * Which learning curves chart.js draws as datasets and which the page paints as one cached
 * layer underneath. Updating a chart costs per dataset, so with 1,000 trials only the few
 * that matter now (running, selected, best, hovered) are datasets; the rest are background,
 * downsampled with LTTB. Small experiments draw every trial as a dataset.
 */
import type { MetricPoint, TrialSummary } from '../../protocol/runtime_api';
import { curveMarkers, type CurveMarker } from './curve_markers';
import { lttb, pointsPerCurve } from './lttb';
import { splitSuperseded, toXY, type SplitPoints, type XAxis, type XY } from './series';

export type CurveRole = 'best' | 'selected' | 'hovered' | 'running' | 'other';

export interface CurveLine {
  trialId: string;
  role: CurveRole;
  points: XY[];
}

export interface CurvePlan {
  foreground: CurveLine[];
  background: CurveLine[];
  /** Rows a restore replaced, drawn dashed and faint beneath everything. */
  superseded: Array<{ trialId: string; points: XY[] }>;
  markers: CurveMarker[];
  bounds: { xMin: number; xMax: number; yMin: number; yMax: number };
}

export interface CurveInput {
  trials: readonly TrialSummary[];
  points: ReadonlyMap<string, readonly MetricPoint[]>;
  metric: string;
  axis: XAxis;
  selection: ReadonlySet<string>;
  bestId?: string;
  hoverId?: string;
}

/** Up to this many trials, every one is a dataset with its own tooltip. */
export const ALL_FOREGROUND_LIMIT = 24;
/** Foreground curves keep at most this many points each. */
const FOREGROUND_POINTS = 600;

type Bounds = CurvePlan['bounds'];

interface SeriesEntry {
  current: XY[];
  superseded: XY[][];
  /** Over current and superseded points; computed once, as it costs a pass over every row. */
  bounds: Bounds;
  thinned?: { threshold: number; points: XY[] };
}

function boundsOf(runs: XY[][]): Bounds {
  const b = { xMin: Infinity, xMax: -Infinity, yMin: Infinity, yMax: -Infinity };
  for (const run of runs) {
    for (const p of run) {
      if (p.x < b.xMin) b.xMin = p.x;
      if (p.x > b.xMax) b.xMax = p.x;
      if (p.y < b.yMin) b.yMin = p.y;
      if (p.y > b.yMax) b.yMax = p.y;
    }
  }
  return b;
}

interface Cached {
  source: readonly MetricPoint[];
  length: number;
  split: SplitPoints;
  byKey: Map<string, SeriesEntry>;
}

/** Per-trial split and series, recomputed only when the trial's points change. */
export class SeriesCache {
  private readonly cache = new Map<string, Cached>();

  split(trialId: string, points: readonly MetricPoint[]): SplitPoints {
    return this.entry(trialId, points).split;
  }

  series(trialId: string, points: readonly MetricPoint[], metric: string, axis: XAxis): SeriesEntry {
    const entry = this.entry(trialId, points);
    const key = `${axis}\u0000${metric}`;
    let s = entry.byKey.get(key);
    if (!s) {
      const current = toXY(entry.split.current, metric, axis);
      const superseded = entry.split.superseded.map((r) => toXY(r, metric, axis)).filter((r) => r.length);
      s = { current, superseded, bounds: boundsOf([current, ...superseded]) };
      entry.byKey.set(key, s);
    }
    return s;
  }

  /** The current series downsampled; the same array until the points or the threshold change. */
  thinned(trialId: string, points: readonly MetricPoint[], metric: string, axis: XAxis, threshold: number): XY[] {
    const s = this.series(trialId, points, metric, axis);
    if (s.thinned?.threshold !== threshold) s.thinned = { threshold, points: lttb(s.current, threshold) };
    return s.thinned.points;
  }

  /** Forgets trials that are gone. */
  retain(ids: ReadonlySet<string>): void {
    for (const id of this.cache.keys()) if (!ids.has(id)) this.cache.delete(id);
  }

  private entry(trialId: string, points: readonly MetricPoint[]): Cached {
    let e = this.cache.get(trialId);
    if (!e || e.source !== points || e.length !== points.length) {
      e = { source: points, length: points.length, split: splitSuperseded(points), byKey: new Map() };
      this.cache.set(trialId, e);
    }
    return e;
  }
}

function roleOf(t: TrialSummary, input: CurveInput): CurveRole {
  if (t.id === input.bestId) return 'best';
  if (input.selection.has(t.id)) return 'selected';
  if (t.id === input.hoverId) return 'hovered';
  if (t.status === 'RUNNING') return 'running';
  return 'other';
}

export function planCurves(input: CurveInput, cache: SeriesCache): CurvePlan {
  const allForeground = input.trials.length <= ALL_FOREGROUND_LIMIT;
  const foreground: CurveLine[] = [];
  const backgroundIds: TrialSummary[] = [];
  const superseded: CurvePlan['superseded'] = [];
  const markers: CurveMarker[] = [];
  const bounds = { xMin: Infinity, xMax: -Infinity, yMin: Infinity, yMax: -Infinity };
  const empty: readonly MetricPoint[] = [];
  for (const t of input.trials) {
    const points = input.points.get(t.id) ?? empty;
    const series = cache.series(t.id, points, input.metric, input.axis);
    const b = series.bounds;
    bounds.xMin = Math.min(bounds.xMin, b.xMin);
    bounds.xMax = Math.max(bounds.xMax, b.xMax);
    bounds.yMin = Math.min(bounds.yMin, b.yMin);
    bounds.yMax = Math.max(bounds.yMax, b.yMax);
    for (const run of series.superseded) superseded.push({ trialId: t.id, points: run });
    markers.push(...curveMarkers(t, cache.split(t.id, points).current, input.metric, input.axis));
    const role = roleOf(t, input);
    if (series.current.length === 0) continue;
    if (allForeground || role !== 'other') foreground.push({ trialId: t.id, role, points: cache.thinned(t.id, points, input.metric, input.axis, FOREGROUND_POINTS) });
    else backgroundIds.push(t);
  }
  const perCurve = pointsPerCurve(backgroundIds.length);
  const background = backgroundIds.map((t) => ({
    trialId: t.id,
    role: 'other' as const,
    points: cache.thinned(t.id, input.points.get(t.id) ?? empty, input.metric, input.axis, perCurve),
  }));
  if (bounds.xMin === Infinity) Object.assign(bounds, { xMin: 0, xMax: 1, yMin: 0, yMax: 1 });
  return { foreground, background, superseded, markers, bounds };
}
