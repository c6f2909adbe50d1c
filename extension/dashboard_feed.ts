/**
 * What one dashboard has been sent, and what to send it next: a snapshot after `ready`,
 * metric histories as they load (merged with points the store got meanwhile), then deltas
 * of the trials and points that changed. No vscode import, so it is tested in plain Node.
 */
import {
  isDelivered,
  markDelivered,
  noRowsDelivered,
  type DashboardExperiment,
  type DeliveredRows,
  type ExtensionToDashboard,
  type PointColumns,
  type PointsByTrial,
  type TimelineEvent,
} from '../protocol/dashboard_messages';
import type { ExperimentSummary, MetricPoint, TrialSummary } from '../protocol/runtime_api';

/** The part of the store a feed reads. */
export interface FeedSource {
  experiment(path: string): ExperimentSummary | undefined;
  trialsOf(experimentPath: string): TrialSummary[];
  points(experimentPath: string, trialId: string): readonly MetricPoint[];
}

type Snapshot = Extract<ExtensionToDashboard, { type: 'snapshot' }>;
type History = Extract<ExtensionToDashboard, { type: 'history' }>;
type Delta = Extract<ExtensionToDashboard, { type: 'delta' }>;

function deliveredBy(points: readonly MetricPoint[], mark = noRowsDelivered()): DeliveredRows {
  for (const p of points) markDelivered(mark, p.ts, p.iteration, p.timeTotalS);
  return mark;
}

/** Rows arrive in order, so the undelivered ones are a tail: found from the end, in time with the new rows. */
function undelivered(points: readonly MetricPoint[], mark: DeliveredRows): MetricPoint[] {
  let start = points.length;
  while (start > 0 && !isDelivered(mark, points[start - 1].ts, points[start - 1].iteration, points[start - 1].timeTotalS)) start--;
  return points.slice(start);
}

/** MetricPoint rows as the columns the dashboard messages carry (null where a row lacks a metric). */
export function toColumns(points: readonly MetricPoint[]): PointColumns {
  const names = new Set<string>();
  for (const p of points) for (const k of Object.keys(p.values)) names.add(k);
  const values: PointColumns['values'] = {};
  for (const name of names) values[name] = points.map((p) => (name in p.values ? p.values[name] : null));
  return { iteration: points.map((p) => p.iteration), timeTotalS: points.map((p) => p.timeTotalS), ts: points.map((p) => p.ts), values };
}

/** A loaded history, plus the live points that arrived after its last row. */
export function mergeHistory(history: readonly MetricPoint[], live: readonly MetricPoint[]): MetricPoint[] {
  return [...history, ...undelivered(live, deliveredBy(history))];
}

export class DashboardFeed {
  private sentSummary: ExperimentSummary | undefined;
  private readonly sentTrials = new Map<string, TrialSummary>();
  /** Where the rows sent end, per trial. */
  private readonly sentRows = new Map<string, DeliveredRows>();

  constructor(
    readonly experimentPath: string,
    private readonly source: FeedSource,
  ) {}

  /** Everything but histories; forgets what was sent before (the page starts afresh). */
  snapshot(facts: Omit<DashboardExperiment, 'summary'>, timeline: TimelineEvent[], now: number): Snapshot | undefined {
    const summary = this.source.experiment(this.experimentPath);
    if (!summary) return undefined;
    const trials = this.source.trialsOf(this.experimentPath);
    this.sentSummary = summary;
    this.sentTrials.clear();
    this.sentRows.clear();
    for (const t of trials) this.sentTrials.set(t.id, t);
    return { type: 'snapshot', experiment: { ...facts, summary }, trials, timeline, now };
  }

  /** Histories that loaded; each replaces what the page had for its trial. */
  history(loaded: ReadonlyMap<string, readonly MetricPoint[]>, pending: number): History {
    const points: PointsByTrial = {};
    for (const [id, history] of loaded) {
      const merged = mergeHistory(history, this.source.points(this.experimentPath, id));
      points[id] = toColumns(merged);
      this.sentRows.set(id, deliveredBy(merged));
    }
    return { type: 'history', points, pending };
  }

  /** What changed since the last message; undefined when nothing did. */
  delta(timeline: TimelineEvent[], now: number): Delta | undefined {
    const summary = this.source.experiment(this.experimentPath);
    const delta: Delta = { type: 'delta', trials: [], points: {}, timeline, now };
    if (summary && summary !== this.sentSummary) {
      delta.summary = summary;
      this.sentSummary = summary;
    }
    for (const t of this.source.trialsOf(this.experimentPath)) {
      if (this.sentTrials.get(t.id) !== t) {
        delta.trials.push(t);
        this.sentTrials.set(t.id, t);
      }
      const sent = this.sentRows.get(t.id) ?? noRowsDelivered();
      const fresh = undelivered(this.source.points(this.experimentPath, t.id), sent);
      if (fresh.length) {
        delta.points[t.id] = toColumns(fresh);
        this.sentRows.set(t.id, deliveredBy(fresh, sent));
      }
    }
    const empty = !delta.summary && delta.trials.length === 0 && Object.keys(delta.points).length === 0 && timeline.length === 0;
    return empty ? undefined : delta;
  }
}
