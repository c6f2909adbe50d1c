/**
 * The page's copy of one experiment, built from the extension's messages: a snapshot
 * replaces it, histories replace one trial's points, deltas patch it. It records what
 * changed, so the views redraw only that, at their own pace.
 */
import {
  isDelivered,
  markDelivered,
  noRowsDelivered,
  type DashboardExperiment,
  type DeliveredRows,
  type ExtensionToDashboard,
  type PointColumns,
  type TimelineEvent,
} from '../../protocol/dashboard_messages';
import type { TrialSummary } from '../../protocol/runtime_api';

export interface DataChanges {
  /** A snapshot replaced everything. */
  reset: boolean;
  experiment: boolean;
  /** Trials whose summary changed. */
  trials: Set<string>;
  /** Trials whose points changed. */
  points: Set<string>;
  timeline: boolean;
}

type DataMessage = Extract<ExtensionToDashboard, { type: 'snapshot' | 'history' | 'delta' }>;

function noChanges(reset: boolean): DataChanges {
  return { reset, experiment: reset, trials: new Set(), points: new Set(), timeline: reset };
}

export class DashboardData {
  experiment: DashboardExperiment | undefined;
  readonly trials = new Map<string, TrialSummary>();
  /** Rows per trial, as columns; deltas append to them in place. */
  readonly points = new Map<string, PointColumns>();
  timeline: TimelineEvent[] = [];
  /** Trials whose histories are still loading. */
  pendingHistories = 0;
  private clock = { remote: 0, local: 0 };
  private changes = noChanges(false);
  private ordered: TrialSummary[] | undefined;

  /** `localNow` is the page's clock in ms, so `now()` keeps moving between messages. */
  apply(message: DataMessage, localNow: number): void {
    switch (message.type) {
      case 'snapshot':
        this.experiment = message.experiment;
        this.trials.clear();
        this.points.clear();
        for (const t of message.trials) this.trials.set(t.id, t);
        this.timeline = [...message.timeline];
        this.pendingHistories = message.trials.length;
        this.clock = { remote: message.now, local: localNow };
        this.changes = noChanges(true);
        this.ordered = undefined;
        return;
      case 'history':
        for (const [id, columns] of Object.entries(message.points)) {
          this.points.set(id, columns);
          this.changes.points.add(id);
        }
        this.pendingHistories = message.pending;
        return;
      case 'delta':
        if (message.summary && this.experiment) {
          this.experiment = { ...this.experiment, summary: message.summary };
          this.changes.experiment = true;
        }
        for (const t of message.trials) {
          if (!this.trials.has(t.id)) this.ordered = undefined;
          else if (this.ordered) this.ordered[this.ordered.indexOf(this.trials.get(t.id)!)] = t;
          this.trials.set(t.id, t);
          this.changes.trials.add(t.id);
        }
        for (const [id, columns] of Object.entries(message.points)) this.append(id, columns);
        if (message.timeline.length) {
          this.timeline.push(...message.timeline);
          this.changes.timeline = true;
        }
        this.clock = { remote: message.now, local: localNow };
        return;
    }
  }

  /** A row already delivered is skipped (history and live overlap); rows of the same second are not all the same row. */
  private append(id: string, fresh: PointColumns): void {
    let list = this.points.get(id);
    if (!list) this.points.set(id, (list = { iteration: [], timeTotalS: [], ts: [], values: {} }));
    const have = deliveredTail(list);
    const before = list.ts.length;
    for (let i = 0; i < fresh.ts.length; i++) {
      if (isDelivered(have, fresh.ts[i], fresh.iteration[i], fresh.timeTotalS[i])) continue;
      markDelivered(have, fresh.ts[i], fresh.iteration[i], fresh.timeTotalS[i]);
      list.iteration.push(fresh.iteration[i]);
      list.timeTotalS.push(fresh.timeTotalS[i]);
      list.ts.push(fresh.ts[i]);
      for (const name of Object.keys(fresh.values)) {
        // A metric first seen now: the rows before it lacked it.
        list.values[name] ??= new Array<number | null>(list.ts.length - 1).fill(null);
      }
      for (const [name, column] of Object.entries(list.values)) column.push(fresh.values[name]?.[i] ?? null);
    }
    if (list.ts.length > before) this.changes.points.add(id);
  }

  /** What changed since the last call. */
  takeChanges(): DataChanges {
    const changes = this.changes;
    this.changes = noChanges(false);
    return changes;
  }

  /** In index order. */
  trialList(): TrialSummary[] {
    this.ordered ??= [...this.trials.values()].sort((a, b) => a.index - b.index);
    return this.ordered;
  }

  /** Epoch seconds: the extension's clock while the experiment is live, else when it ended. */
  now(localNow: number): number {
    const summary = this.experiment?.summary;
    if (summary && !summary.live) return summary.endedAt ?? Math.max(this.clock.remote, summary.startedAt);
    return this.clock.remote + (localNow - this.clock.local) / 1000;
  }
}

/** The mark of rows a trial's columns hold: its last second and the rows of that second. */
function deliveredTail(list: PointColumns): DeliveredRows {
  const mark = noRowsDelivered();
  const n = list.ts.length;
  let i = n;
  while (i > 0 && list.ts[i - 1] === list.ts[n - 1]) i--;
  for (; i < n; i++) markDelivered(mark, list.ts[i], list.iteration[i], list.timeTotalS[i]);
  return mark;
}
