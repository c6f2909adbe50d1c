/**
 * The one reading of `events.jsonl` (issue 13 §3): a pure, incremental fold of journal events
 * into what every reader asks of them (resume's replay, the daemon's history, the dashboard's
 * timeline). Feed it the whole journal or new lines as they land; it never touches a file.
 * Its rules are held by the recorded journals in test/unit/journal/.
 */
import type {
  CheckpointRefusedEvent,
  ExperimentStatus,
  JournalEvent,
  RestoreLevel,
  SchedulerDecisionEvent,
  TrialCreatedEvent,
  TrialFinishedEvent,
  TrialPausedEvent,
  TrialRestoredEvent,
  TrialStartedEvent,
  TrialSubmittedEvent,
} from './journal';
import type { TrialStatus } from './trial';

/** A restore as the journal tells it, placed at the iteration of its checkpoint. */
export interface RestoreFact {
  ts: number;
  /** training_iteration the trial continues from (0 when it restarts from scratch). */
  iteration: number;
  fromCheckpoint?: string;
  reason?: string;
  afterFailure: boolean;
  /** After a failure: whether the worker group (trainer) or the whole trial (tuner) restarted. */
  level?: RestoreLevel;
  /** PBT: `<donor trial dir>/<checkpoint>`. */
  source?: string;
}

/** One started worker group: pids in rank order and their start times where recorded. */
export interface StartedGroup {
  pids: number[];
  startTimes: Array<number | undefined>;
}

/** One trial's journal, folded. */
export interface TrialJournal {
  id: string;
  /** Absent when the journal names the trial without creating it (readers of record skip such trials). */
  created?: TrialCreatedEvent;
  /** PBT's latest config, else the created one. */
  config: Record<string, unknown>;
  /** As the journal tells it: a trial that was running when the journal stops reads RUNNING. */
  status: TrialStatus;
  /** The last event that moved the trial's life. */
  lastStatusEvent?: TrialStartedEvent | TrialPausedEvent | TrialFinishedEvent | TrialRestoredEvent;
  /** Worker pids of the latest start, until the trial pauses, finishes, restarts or the experiment resumes. */
  pids: number[];
  /** Worker groups started since the trial last paused or finished: they may still be running (orphans after a kill). */
  liveStarts: StartedGroup[];
  /** Worker-group restarts since the trial last restarted whole (Ray Train's count). */
  trainFailures: number;
  /** Whole-trial restarts (Ray Tune's count). */
  tuneFailures: number;
  /** Checkpoint name → the training_iteration it holds, from checkpoint_committed. */
  committed: Map<string, number>;
  /** PBT clones: checkpoint name → the donor's trial and checkpoint. */
  clones: Map<string, { donorId: string; donorCheckpoint: string }>;
  restores: RestoreFact[];
  decisions: SchedulerDecisionEvent[];
  refusedCheckpoints: CheckpointRefusedEvent[];
  /** The latest Slurm submission (job name first, then the job id sbatch answered). */
  submission?: TrialSubmittedEvent;
}

export interface ExperimentEnd {
  status: ExperimentStatus;
  reason?: string;
  ts: number;
}

export class JournalReducer {
  private readonly trials = new Map<string, TrialJournal>();
  /** ts of the first experiment_started. */
  startedAt: number | undefined;
  /** Unset while the experiment runs (or was interrupted); a resume unsets it. */
  end: ExperimentEnd | undefined;
  /** How many times the experiment started (1 + resumes). */
  starts = 0;
  private last: JournalEvent | undefined;

  /** Folds events in journal order; returns the ids of the trials they touched. */
  apply(events: readonly JournalEvent[]): Set<string> {
    const touched = new Set<string>();
    for (const event of events) {
      const id = this.applyOne(event);
      if (id) touched.add(id);
    }
    return touched;
  }

  trial(id: string): TrialJournal | undefined {
    return this.trials.get(id);
  }

  /** Every trial the journal names, in the order it first named them. */
  allTrials(): TrialJournal[] {
    return [...this.trials.values()];
  }

  /** The created trials in index order: the experiment's trials of record. */
  createdTrials(): Array<TrialJournal & { created: TrialCreatedEvent }> {
    return [...this.trials.values()]
      .filter((t): t is TrialJournal & { created: TrialCreatedEvent } => t.created !== undefined)
      .sort((a, b) => a.created.index - b.created.index);
  }

  /** The journal ends with the experiment finishing with every trial run (not stopped, not failed). */
  get finished(): boolean {
    return this.last?.type === 'experiment_finished' && this.last.status === 'finished';
  }

  /** Folds one event; returns the id of the trial it touched, if any. */
  applyOne(event: JournalEvent): string | undefined {
    this.last = event;
    switch (event.type) {
      case 'experiment_started':
        this.starts++;
        this.startedAt ??= event.ts;
        this.end = undefined;
        // A resume starts every worker afresh.
        for (const t of this.trials.values()) t.pids = [];
        return undefined;
      case 'experiment_finished':
        this.end = { status: event.status, reason: event.reason, ts: event.ts };
        return undefined;
      case 'trial_created': {
        const t = this.ensure(event.trial_id);
        // The first creation counts; a duplicate line (a resume re-recording it) changes nothing.
        if (!t.created) {
          t.created = event;
          t.config = event.config;
        }
        return event.trial_id;
      }
      case 'trial_started': {
        const t = this.ensure(event.trial_id);
        t.lastStatusEvent = event;
        t.status = 'RUNNING';
        t.pids = [...event.pids];
        t.liveStarts.push({ pids: event.pids, startTimes: startTimesOf(event) });
        return event.trial_id;
      }
      case 'trial_paused':
      case 'trial_finished': {
        const t = this.ensure(event.trial_id);
        t.lastStatusEvent = event;
        t.status = event.type === 'trial_paused' ? 'PAUSED' : event.status;
        t.pids = [];
        t.liveStarts = [];
        return event.trial_id;
      }
      case 'trial_restored': {
        const t = this.ensure(event.trial_id);
        t.lastStatusEvent = event;
        t.pids = [];
        // A worker-group restart keeps the trial running; any other restore queues it again.
        if (t.status !== 'RUNNING') t.status = 'PENDING';
        const level = event.after_failure ? restoreLevel(event) : undefined;
        if (level === 'tuner') {
          t.tuneFailures++;
          // The Tuner's own retries start the trial afresh and reset the worker-group count.
          t.trainFailures = 0;
        } else if (level === 'trainer') t.trainFailures++;
        t.restores.push({
          ts: event.ts,
          iteration: event.from_checkpoint ? (t.committed.get(event.from_checkpoint) ?? 0) : 0,
          fromCheckpoint: event.from_checkpoint,
          reason: event.reason,
          afterFailure: event.after_failure,
          level,
          source: event.source,
        });
        return event.trial_id;
      }
      case 'checkpoint_committed':
        this.ensure(event.trial_id).committed.set(event.checkpoint_dir_name, event.iteration);
        return undefined;
      case 'checkpoint_refused':
        this.ensure(event.trial_id).refusedCheckpoints.push(event);
        return event.trial_id;
      case 'scheduler_decision':
        this.ensure(event.trial_id).decisions.push(event);
        return event.trial_id;
      case 'pbt_exploit': {
        const t = this.ensure(event.trial_id);
        t.config = event.new_config;
        t.clones.set(event.cloned_as, { donorId: event.donor_id, donorCheckpoint: event.donor_checkpoint });
        return undefined;
      }
      case 'trial_submitted':
        this.ensure(event.trial_id).submission = event;
        return undefined;
      // Named, not defaulted: a new event type must be decided here (the lint checks every case is).
      case 'trial_waiting':
      case 'trial_note':
      case 'results_superseded':
      case 'checkpoint_deleted':
        return undefined;
    }
  }

  private ensure(id: string): TrialJournal {
    let t = this.trials.get(id);
    if (!t) {
      t = {
        id,
        config: {},
        status: 'PENDING',
        pids: [],
        liveStarts: [],
        trainFailures: 0,
        tuneFailures: 0,
        committed: new Map(),
        clones: new Map(),
        restores: [],
        decisions: [],
        refusedCheckpoints: [],
      };
      this.trials.set(id, t);
    }
    return t;
  }
}

/** Folds a whole journal. */
export function reduceJournal(events: readonly JournalEvent[]): JournalReducer {
  const reducer = new JournalReducer();
  reducer.apply(events);
  return reducer;
}

/**
 * Which restart a failure caused. Journals written before the level was a field tell it only in
 * the reason's prose ("trial restarted after: …" vs "worker group restarted after: …").
 */
export function restoreLevel(event: TrialRestoredEvent): RestoreLevel {
  if (event.level) return event.level;
  return event.reason?.startsWith('trial restarted') ? 'tuner' : 'trainer';
}

/** Older journals have no start times: such workers cannot be told from strangers. */
function startTimesOf(event: TrialStartedEvent): Array<number | undefined> {
  return event.pids.map((_, rank) => event.pid_start_times?.[rank] ?? undefined);
}
