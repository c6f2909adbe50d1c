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
import { NO_POINTS, splitSuperseded, toXY, xColumn, type SplitRows, type XAxis, type XY } from './series';

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
}

/** Dataset and live curves keep at most this many points each. */
const FOREGROUND_POINTS = 600;

type Bounds = CurvePlan['bounds'];

/** A trial's standing curve as two dense columns, so downsampling allocates only what it keeps. */
interface SeriesEntry {
  xs: number[];
  ys: number[];
  superseded: XY[][];
  /** Over current and superseded points; computed once, as it costs a pass over every row. */
  bounds: Bounds;
  thinned?: { threshold: number; points: XY[] };
}

interface Cached {
  source: PointColumns;
  length: number;
  split: SplitRows;
  byKey: Map<string, SeriesEntry>;
}

function seriesOf(columns: PointColumns, split: SplitRows, metric: string, axis: XAxis): SeriesEntry {
  const x = xColumn(columns, axis);
  const b = { xMin: Infinity, xMax: -Infinity, yMin: Infinity, yMax: -Infinity };
  const grow = (px: number, py: number) => {
    if (px < b.xMin) b.xMin = px;
    if (px > b.xMax) b.xMax = px;
    if (py < b.yMin) b.yMin = py;
    if (py > b.yMax) b.yMax = py;
  };
  const xs: number[] = [];
  const ys: number[] = [];
  const values = columns.values[metric] ?? [];
  for (const row of split.current) {
    const y = values[row];
    if (typeof y !== 'number' || !Number.isFinite(y)) continue;
    xs.push(x[row]);
    ys.push(y);
    grow(x[row], y);
  }
  const superseded = split.superseded.map((rows) => toXY(columns, rows, metric, axis)).filter((run) => run.length > 0);
  for (const run of superseded) for (const p of run) grow(p.x, p.y);
  return { xs, ys, superseded, bounds: b };
}

/** Per-trial split and series, recomputed only when the trial's rows change. */
export class SeriesCache {
  private readonly cache = new Map<string, Cached>();

  split(trialId: string, columns: PointColumns): SplitRows {
    return this.entry(trialId, columns).split;
  }

  series(trialId: string, columns: PointColumns, metric: string, axis: XAxis): SeriesEntry {
    const entry = this.entry(trialId, columns);
    const key = `${axis}\u0000${metric}`;
    let s = entry.byKey.get(key);
    if (!s) entry.byKey.set(key, (s = seriesOf(columns, entry.split, metric, axis)));
    return s;
  }

  /** The standing curve downsampled; the same array until the rows or the threshold change. */
  thinned(trialId: string, columns: PointColumns, metric: string, axis: XAxis, threshold: number): XY[] {
    const s = this.series(trialId, columns, metric, axis);
    if (s.thinned?.threshold !== threshold) {
      s.thinned = { threshold, points: lttbIndices(s.xs, s.ys, threshold).map((i) => ({ x: s.xs[i], y: s.ys[i] })) };
    }
    return s.thinned.points;
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
  const foreground: CurveLine[] = [];
  const live: CurveLine[] = [];
  const backgroundIds: TrialSummary[] = [];
  const superseded: CurvePlan['superseded'] = [];
  const markers: CurveMarker[] = [];
  const bounds = { xMin: Infinity, xMax: -Infinity, yMin: Infinity, yMax: -Infinity };
  for (const t of input.trials) {
    const points = input.points.get(t.id) ?? NO_POINTS;
    const series = cache.series(t.id, points, input.metric, input.axis);
    const b = series.bounds;
    bounds.xMin = Math.min(bounds.xMin, b.xMin);
    bounds.xMax = Math.max(bounds.xMax, b.xMax);
    bounds.yMin = Math.min(bounds.yMin, b.yMin);
    bounds.yMax = Math.max(bounds.yMax, b.yMax);
    for (const run of series.superseded) superseded.push({ trialId: t.id, points: run });
    if (t.restores.length || t.decisions.length || t.stoppedEarly || t.endReason) markers.push(...curveMarkers(t, points, cache.split(t.id, points).current, input.metric, input.axis));
    const role = roleOf(t, input);
    if (series.xs.length === 0) continue;
    if (role === 'other') backgroundIds.push(t);
    else (role === 'running' ? live : foreground).push({ trialId: t.id, role, points: cache.thinned(t.id, points, input.metric, input.axis, FOREGROUND_POINTS) });
  }
  const perCurve = pointsPerCurve(backgroundIds.length);
  const background = backgroundIds.map((t) => ({
    trialId: t.id,
    role: 'other' as const,
    points: cache.thinned(t.id, input.points.get(t.id) ?? NO_POINTS, input.metric, input.axis, perCurve),
  }));
  if (bounds.xMin === Infinity) Object.assign(bounds, { xMin: 0, xMax: 1, yMin: 0, yMax: 1 });
  return { foreground, live, background, superseded, markers, bounds };
}
