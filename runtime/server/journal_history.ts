/**
 * What the views draw on a trial's curves and cannot read from its TrialRecord: restores,
 * scheduler decisions and live worker pids, folded from an experiment's journal. Fed the
 * whole journal (browsing) or its new lines as they land (a hosted run); no I/O here.
 */
import type { CheckpointRefusal, DecisionEvent, RestoreEvent } from '../../protocol/runtime_api';
import type { ExperimentStatus, JournalEvent } from '../../protocol/journal';
import { countByStatus, type TrialStatus } from '../../protocol/trial';
import { MEDIAN_STOPPING_DEFAULTS } from '../schedulers/median_stopping';
import { PBT_DEFAULTS } from '../schedulers/pbt';
import { ASHA_DEFAULTS } from '../schedulers/rungs';

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

export interface ExperimentEnd {
  status: ExperimentStatus;
  reason?: string;
  ts: number;
}

export class JournalHistory {
  private readonly trials = new Map<string, TrialHistory>();
  /** `<trial id>/<checkpoint>` → the training_iteration it holds. */
  private readonly committed = new Map<string, number>();
  startedAt: number | undefined;
  /** Unset while the experiment runs (or was interrupted). */
  end: ExperimentEnd | undefined;

  /**
   * `timeAttr` is the scheduler's time attribute: decisions carry its value, which is the
   * iteration only when it is training_iteration; otherwise `iterationOf` gives the trial's own.
   */
  constructor(
    private readonly timeAttr = 'training_iteration',
    private readonly iterationOf: (trialId: string) => number = () => 0,
  ) {}

  /** Folds events in journal order; returns the ids of the trials they touched. */
  apply(events: readonly JournalEvent[]): Set<string> {
    const touched = new Set<string>();
    for (const event of events) {
      const id = this.applyOne(event);
      if (id) touched.add(id);
    }
    return touched;
  }

  of(trialId: string): TrialHistory | undefined {
    return this.trials.get(trialId);
  }

  counts(): Record<TrialStatus, number> {
    return countByStatus(this.trials.values());
  }

  private trial(id: string): TrialHistory {
    let history = this.trials.get(id);
    if (!history) {
      history = { restores: [], decisions: [], pids: [], status: 'PENDING' };
      this.trials.set(id, history);
    }
    return history;
  }

  private applyOne(event: JournalEvent): string | undefined {
    switch (event.type) {
      case 'experiment_started':
        this.startedAt ??= event.ts;
        this.end = undefined;
        // A resume starts every worker afresh.
        for (const t of this.trials.values()) t.pids = [];
        return undefined;
      case 'experiment_finished':
        this.end = { status: event.status, reason: event.reason, ts: event.ts };
        return undefined;
      case 'trial_created':
        this.trial(event.trial_id);
        return event.trial_id;
      case 'trial_started': {
        const t = this.trial(event.trial_id);
        t.pids = [...event.pids];
        t.status = 'RUNNING';
        return event.trial_id;
      }
      case 'trial_paused':
      case 'trial_finished': {
        const t = this.trial(event.trial_id);
        t.pids = [];
        t.status = event.type === 'trial_paused' ? 'PAUSED' : event.status;
        return event.trial_id;
      }
      case 'checkpoint_committed':
        this.committed.set(`${event.trial_id}/${event.checkpoint_dir_name}`, event.iteration);
        return undefined;
      case 'trial_restored': {
        const t = this.trial(event.trial_id);
        t.pids = [];
        if (t.status !== 'RUNNING') t.status = 'PENDING';
        t.restores.push({
          ts: event.ts,
          iteration: event.from_checkpoint ? (this.committed.get(`${event.trial_id}/${event.from_checkpoint}`) ?? 0) : 0,
          fromCheckpoint: event.from_checkpoint,
          reason: event.reason ?? (event.after_failure ? 'restarted after a failure' : 'restored from a checkpoint'),
          afterFailure: event.after_failure,
          source: event.source,
        });
        return event.trial_id;
      }
      case 'checkpoint_refused':
        (this.trial(event.trial_id).refusedCheckpoints ??= []).push({ ts: event.ts, iteration: event.iteration, reason: event.reason });
        return event.trial_id;
      case 'scheduler_decision': {
        const time = event.detail?.time;
        const iteration = this.timeAttr === 'training_iteration' && typeof time === 'number' ? time : this.iterationOf(event.trial_id);
        this.trial(event.trial_id).decisions.push({ ts: event.ts, iteration, kind: event.kind, reason: event.reason });
        return event.trial_id;
      }
      default:
        return undefined;
    }
  }
}

/** The scheduler's time attribute as the spec names it, or its type's default (Ray's). */
export function schedulerTimeAttr(scheduler: unknown): string {
  const spec = typeof scheduler === 'object' && scheduler !== null ? (scheduler as { type?: unknown; time_attr?: unknown }) : {};
  if (typeof spec.time_attr === 'string') return spec.time_attr;
  if (spec.type === 'pbt') return PBT_DEFAULTS.time_attr;
  if (spec.type === 'median_stopping') return MEDIAN_STOPPING_DEFAULTS.time_attr;
  return ASHA_DEFAULTS.time_attr;
}
