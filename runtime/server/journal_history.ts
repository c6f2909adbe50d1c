/**
 * What the views draw on a trial's curves and cannot read from its TrialRecord: restores,
 * scheduler decisions and live worker pids, as the one journal reducer reads them, shaped for
 * the runtime API. Fed the whole journal (browsing) or its new lines as they land (a hosted run); no I/O here.
 */
import type { CheckpointRefusal, DecisionEvent, RestoreEvent } from '../../protocol/runtime_api';
import type { JournalEvent } from '../../protocol/journal';
import { JournalReducer, type ExperimentEnd, type RestoreFact } from '../../protocol/journal_reducer';
import { countByStatus, type TrialStatus } from '../../protocol/trial';
import { MEDIAN_STOPPING_DEFAULTS } from '../schedulers/median_stopping';
import { PBT_DEFAULTS } from '../schedulers/pbt';
import { ASHA_DEFAULTS } from '../schedulers/rungs';

export type { ExperimentEnd };

export interface TrialHistory {
  restores: RestoreEvent[];
  decisions: DecisionEvent[];
  /** Reports whose checkpoint was refused; absent when none was. */
  refusedCheckpoints?: CheckpointRefusal[];
  /** Worker pids of the latest start, until the trial pauses, finishes or restarts. */
  pids: number[];
  /** As the journal tells it; the TrialRecord is the better source when there is one. */
  status: TrialStatus;
}

export class JournalHistory {
  private readonly journal = new JournalReducer();
  /** Each trial's decisions, placed when they land: `iterationOf` answers for that moment, not a later one. */
  private readonly decisions = new Map<string, DecisionEvent[]>();

  /**
   * `timeAttr` is the scheduler's time attribute: decisions carry its value, which is the
   * iteration only when it is training_iteration; otherwise `iterationOf` gives the trial's own.
   */
  constructor(
    private readonly timeAttr = 'training_iteration',
    private readonly iterationOf: (trialId: string) => number = () => 0,
  ) {}

  get startedAt(): number | undefined {
    return this.journal.startedAt;
  }

  /** Unset while the experiment runs (or was interrupted). */
  get end(): ExperimentEnd | undefined {
    return this.journal.end;
  }

  /** Folds events in journal order; returns the ids of the trials they touched. */
  apply(events: readonly JournalEvent[]): Set<string> {
    const touched = new Set<string>();
    for (const event of events) {
      const id = this.journal.applyOne(event);
      if (id) touched.add(id);
      if (event.type !== 'scheduler_decision') continue;
      const time = event.detail?.time;
      const iteration = this.timeAttr === 'training_iteration' && typeof time === 'number' ? time : this.iterationOf(event.trial_id);
      const list = this.decisions.get(event.trial_id) ?? [];
      list.push({ ts: event.ts, iteration, kind: event.kind, reason: event.reason });
      this.decisions.set(event.trial_id, list);
    }
    return touched;
  }

  of(trialId: string): TrialHistory | undefined {
    const t = this.journal.trial(trialId);
    if (!t) return undefined;
    const refused = t.refusedCheckpoints.map(({ ts, iteration, reason }) => ({ ts, iteration, reason }));
    return {
      restores: t.restores.map(restoreEvent),
      decisions: this.decisions.get(trialId) ?? [],
      ...(refused.length ? { refusedCheckpoints: refused } : {}),
      pids: t.pids,
      status: t.status,
    };
  }

  counts(): Record<TrialStatus, number> {
    return countByStatus(this.journal.allTrials());
  }
}

function restoreEvent(r: RestoreFact): RestoreEvent {
  return {
    ts: r.ts,
    iteration: r.iteration,
    fromCheckpoint: r.fromCheckpoint,
    reason: r.reason ?? (r.afterFailure ? 'restarted after a failure' : 'restored from a checkpoint'),
    afterFailure: r.afterFailure,
    source: r.source,
  };
}

/** The scheduler's time attribute as the spec names it, or its type's default (Ray's). */
export function schedulerTimeAttr(scheduler: unknown): string {
  const spec = typeof scheduler === 'object' && scheduler !== null ? (scheduler as { type?: unknown; time_attr?: unknown }) : {};
  if (typeof spec.time_attr === 'string') return spec.time_attr;
  if (spec.type === 'pbt') return PBT_DEFAULTS.time_attr;
  if (spec.type === 'median_stopping') return MEDIAN_STOPPING_DEFAULTS.time_attr;
  return ASHA_DEFAULTS.time_attr;
}
