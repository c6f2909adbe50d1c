/**
 * How each learning curve is drawn. chart.js costs per dataset on every update, so only
 * the emphasised curves (best, selected, hovered) are datasets, with tooltips; running
 * trials are painted fresh on each redraw (the live layer), and everything else is one
 * cached bitmap (the background), downsampled with LTTB. Hovering near any painted curve
 * promotes it to a dataset, so every curve still gets its tooltip.
 */
import type { PointColumns } from '../../protocol/dashboard_messages';
import type { TrialSummary } from '../../protocol/runtime_api';
import { curveMarkers, type CurveMarker } from './curve_markers';
import { lttbIndices, pointsPerCurve } from './lttb';
import { smoothEma } from './curve_smoothing';
import { NO_POINTS, splitSuperseded, toXY, xAt, xColumn, type SplitRows, type XAxis, type XY } from './series';

export type CurveRole = 'best' | 'selected' | 'hovered' | 'running' | 'other';

export interface CurveLine {
  trialId: string;
  role: CurveRole;
  points: XY[];
}

export interface CurvePlan {
  /** Drawn by chart.js: best, selected, hovered. */
  foreground: CurveLine[];
  /** Running trials, painted on every redraw. */
  live: CurveLine[];
  /** The rest, painted once into a cached bitmap. */
  background: CurveLine[];
  /** Rows a restore replaced, drawn dashed and faint beneath everything. */
  superseded: Array<{ trialId: string; points: XY[] }>;
  /** With smoothing on: every drawn curve's raw values, drawn faint behind its smoothed line. */
  raw: Array<{ trialId: string; points: XY[] }>;
  markers: CurveMarker[];
  bounds: { xMin: number; xMax: number; yMin: number; yMax: number };
}

export interface CurveInput {
  trials: readonly TrialSummary[];
  points: ReadonlyMap<string, PointColumns>;
  metric: string;
  axis: XAxis;
  selection: ReadonlySet<string>;
  bestId?: string;
  hoverId?: string;
  /** A log y axis: values ≤ 0 cannot be drawn and are left out. */
  yLog?: boolean;
  /** TensorBoard's EMA weight, 0 (off) to 0.99. */
  smoothing?: number;
}

/** How a series is read: the axis, and whether y is log and smoothed. */
interface SeriesKey {
  metric: string;
  axis: XAxis;
  yLog: boolean;
  smoothing: number;
}

/** Dataset and live curves keep at most this many points each. */
const FOREGROUND_POINTS = 600;

type Bounds = CurvePlan['bounds'];

/** A trial's standing curve as two dense columns, so downsampling allocates only what it keeps. */
interface SeriesEntry {
  xs: number[];
  /** Smoothed when smoothing is on; `rawYs` are then the reported values. */
  ys: number[];
  rawYs: number[];
  superseded: XY[][];
  /** Over current and superseded points; computed once, as it costs a pass over every row. */
  bounds: Bounds;
  thinned?: { threshold: number; points: XY[] };
  rawThinned?: { threshold: number; points: XY[] };
}

interface Cached {
  source: PointColumns;
  length: number;
  split: SplitRows;
  byKey: Map<string, SeriesEntry>;
}

function seriesOf(columns: PointColumns, split: SplitRows, k: SeriesKey): SeriesEntry {
  const x = xColumn(columns, k.axis);
  const b = { xMin: Infinity, xMax: -Infinity, yMin: Infinity, yMax: -Infinity };
  const grow = (px: number, py: number) => {
    if (px < b.xMin) b.xMin = px;
    if (px > b.xMax) b.xMax = px;
    if (py < b.yMin) b.yMin = py;
    if (py > b.yMax) b.yMax = py;
  };
  const xs: number[] = [];
  const rawYs: number[] = [];
  const values = columns.values[k.metric] ?? [];
  for (const row of split.current) {
    const y = values[row];
    const px = xAt(x, row);
    if (typeof y !== 'number' || !Number.isFinite(y) || px === undefined || (k.yLog && y <= 0)) continue;
    xs.push(px);
    rawYs.push(y);
    grow(px, y);
  }
  const superseded = split.superseded.map((rows) => toXY(columns, rows, k.metric, k.axis).filter((p) => !k.yLog || p.y > 0)).filter((run) => run.length > 0);
  for (const run of superseded) for (const p of run) grow(p.x, p.y);
  return { xs, ys: k.smoothing > 0 ? smoothEma(rawYs, k.smoothing) : rawYs, rawYs, superseded, bounds: b };
}

/** Per-trial split and series, recomputed only when the trial's rows change. */
export class SeriesCache {
  private readonly cache = new Map<string, Cached>();

  split(trialId: string, columns: PointColumns): SplitRows {
    return this.entry(trialId, columns).split;
  }

  series(trialId: string, columns: PointColumns, k: SeriesKey): SeriesEntry {
    const entry = this.entry(trialId, columns);
    const key = `${k.axis}\u0000${k.metric}\u0000${k.yLog}\u0000${k.smoothing}`;
    let s = entry.byKey.get(key);
    if (!s) entry.byKey.set(key, (s = seriesOf(columns, entry.split, k)));
    return s;
  }

  /** The standing curve (smoothed, or with `raw` as reported) downsampled; the same array until the rows or the threshold change. */
  thinned(trialId: string, columns: PointColumns, k: SeriesKey, threshold: number, raw = false): XY[] {
    const s = this.series(trialId, columns, k);
    const ys = raw ? s.rawYs : s.ys;
    const kept = raw ? s.rawThinned : s.thinned;
    if (kept?.threshold === threshold) return kept.points;
    const fresh = { threshold, points: lttbIndices(s.xs, ys, threshold).map((i) => ({ x: s.xs[i], y: ys[i] })) };
    if (raw) s.rawThinned = fresh;
    else s.thinned = fresh;
    return fresh.points;
  }

  /** Forgets trials that are gone. */
  retain(ids: ReadonlySet<string>): void {
    for (const id of this.cache.keys()) if (!ids.has(id)) this.cache.delete(id);
  }

  /** Rows are appended in place, so their count tells a changed trial from an unchanged one. */
  private entry(trialId: string, columns: PointColumns): Cached {
    let e = this.cache.get(trialId);
    if (!e || e.source !== columns || e.length !== columns.ts.length) {
      e = { source: columns, length: columns.ts.length, split: splitSuperseded(columns.iteration), byKey: new Map() };
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
  const k: SeriesKey = { metric: input.metric, axis: input.axis, yLog: input.yLog === true, smoothing: input.smoothing ?? 0 };
  const foreground: CurveLine[] = [];
  const live: CurveLine[] = [];
  const backgroundIds: TrialSummary[] = [];
  const drawn: TrialSummary[] = [];
  const superseded: CurvePlan['superseded'] = [];
  const markers: CurveMarker[] = [];
  const bounds = { xMin: Infinity, xMax: -Infinity, yMin: Infinity, yMax: -Infinity };
  for (const t of input.trials) {
    const points = input.points.get(t.id) ?? NO_POINTS;
    const series = cache.series(t.id, points, k);
    const b = series.bounds;
    bounds.xMin = Math.min(bounds.xMin, b.xMin);
    bounds.xMax = Math.max(bounds.xMax, b.xMax);
    bounds.yMin = Math.min(bounds.yMin, b.yMin);
    bounds.yMax = Math.max(bounds.yMax, b.yMax);
    for (const run of series.superseded) superseded.push({ trialId: t.id, points: run });
    if (t.restores.length || t.decisions.length || t.stoppedEarly || t.endReason) markers.push(...curveMarkers(t, points, cache.split(t.id, points).current, input.metric, input.axis));
    const role = roleOf(t, input);
    if (series.xs.length === 0) continue;
    drawn.push(t);
    if (role === 'other') backgroundIds.push(t);
    else (role === 'running' ? live : foreground).push({ trialId: t.id, role, points: cache.thinned(t.id, points, k, FOREGROUND_POINTS) });
  }
  const perCurve = pointsPerCurve(backgroundIds.length);
  const background = backgroundIds.map((t) => ({
    trialId: t.id,
    role: 'other' as const,
    points: cache.thinned(t.id, input.points.get(t.id) ?? NO_POINTS, k, perCurve),
  }));
  const rawPerCurve = pointsPerCurve(drawn.length);
  const raw = k.smoothing > 0 ? drawn.map((t) => ({ trialId: t.id, points: cache.thinned(t.id, input.points.get(t.id) ?? NO_POINTS, k, rawPerCurve, true) })) : [];
  if (bounds.xMin === Infinity) Object.assign(bounds, { xMin: 0, xMax: 1, yMin: k.yLog ? 0.1 : 0, yMax: 1 });
  return { foreground, live, background, superseded, raw, markers, bounds };
}
