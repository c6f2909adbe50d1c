/**
 * The trial lifecycle: the only writer of a trial's status and of the fields that go with it
 * (grant, waiting and end reasons, failure counters, restore context, progress). Each
 * operation names a step of a trial's life and refuses one that does not fit where the trial
 * is; a finished trial never changes, except through `reopen` (extend, resume of errored
 * trials), the one explicit way back. The ledger, the journal and the views stay with the
 * caller: these operations only keep the record consistent.
 */
import type { GroupExit, TrialJob } from '../../protocol/driver';
import type { TrialGrant } from '../../protocol/trial';
import type { TrialRecord } from './trial_record';
import { IllegalTransitionError, isFinished, transition } from './trial_status';

type Writable<T> = { -readonly [K in keyof T]: T[K] };
/** The lifecycle alone sees a trial record as writable. */
const w = (trial: TrialRecord): Writable<TrialRecord> => trial as Writable<TrialRecord>;

export type EndKind = 'stop' | 'pause' | 'requeue';
export type PendingOutcome = NonNullable<TrialRecord['pendingOutcome']>;

/** What a restore puts in the next result row (Ray's result context after a restore). */
export type RestoreContext = {
  from_checkpoint: string | null;
  after_failure: string;
  exit_code: number | null;
  signal: string | null;
  failures: number;
  level: 'trainer' | 'tuner';
};

function refuse(trial: TrialRecord, what: string): never {
  throw new IllegalTransitionError(`trial ${trial.id} is ${trial.status}: cannot ${what}`);
}

function expect(trial: TrialRecord, what: string, ...statuses: TrialRecord['status'][]): void {
  if (!statuses.includes(trial.status)) refuse(trial, what);
}

/** The trial got its slots (all of them, or in Ray mode first its trainable): it is RUNNING. */
export function admit(trial: TrialRecord, grant: TrialGrant): void {
  expect(trial, 'be admitted', 'PENDING', 'PAUSED', 'RUNNING');
  const t = w(trial);
  t.grant = grant;
  t.waitingReason = undefined;
  if (trial.status === 'RUNNING') return;
  t.resumeFirst = false;
  transition(t, 'RUNNING');
}

/** Why the trial is not executing yet; false when it already said so. */
export function wait(trial: TrialRecord, reason: string | undefined): boolean {
  if (trial.waitingReason === reason) return false;
  if (isFinished(trial.status)) refuse(trial, 'wait');
  w(trial).waitingReason = reason;
  return true;
}

/**
 * Admitted but never ran (in Ray mode it held only its trainable; on a cluster its job was
 * cancelled while queued): it gives its grant back and is pending again.
 */
export function unadmit(trial: TrialRecord): void {
  expect(trial, 'be unadmitted', 'RUNNING');
  w(trial).grant = undefined;
  transition(w(trial), 'PENDING');
}

/** Its worker group is being started (or, on a resume, adopted where it still runs). */
export function launching(trial: TrialRecord, nowS: number): void {
  expect(trial, 'launch', 'RUNNING');
  if (!trial.grant) refuse(trial, 'launch without a grant');
  const t = w(trial);
  t.startedAt = nowS;
  t.lastReportAt = undefined;
}

/** A restart goes back to `iteration` (its checkpoint's); the results after it will come again. */
export function rewind(trial: TrialRecord, iteration: number, timeTotalS: number | undefined): void {
  expect(trial, 'rewind', 'RUNNING');
  if (iteration > trial.iteration) refuse(trial, `rewind forward to ${iteration}`);
  const t = w(trial);
  t.iteration = iteration;
  if (timeTotalS !== undefined) t.timeTotalS = timeTotalS;
}

/** One result row is on its way to disk: the trial made progress. */
export function resultRecorded(trial: TrialRecord, row: Record<string, unknown>, nowS: number): void {
  expect(trial, 'record a result', 'RUNNING');
  const t = w(trial);
  t.iteration++;
  t.iterationsSinceRestore++;
  t.failuresWithoutProgress = 0;
  t.restoreContext = undefined;
  t.timeTotalS = row.time_total_s as number;
  t.lastReportAt = nowS;
  t.lastResult = row;
}

/** PBT: the trial continues from the donor's iteration (its config changes through trial_factory). */
export function exploited(trial: TrialRecord, donorIteration: number): void {
  expect(trial, 'take a donor checkpoint', 'RUNNING');
  w(trial).iteration = donorIteration;
}

/** The cluster's view of the trial's job. */
export function jobSeen(trial: TrialRecord, job: TrialJob): void {
  if (isFinished(trial.status)) refuse(trial, 'track a job');
  w(trial).job = job;
}

/**
 * Asks that the running group end for a reason; the first request wins, and its outcome is
 * decided once the group is gone (`ended`). False when another request came first.
 */
export function requestEnd(trial: TrialRecord, kind: EndKind, reason: string, ready?: Promise<void>): boolean {
  expect(trial, `${kind}`, 'RUNNING');
  if (trial.pendingOutcome) return false;
  w(trial).pendingOutcome = { kind, reason, ready };
  return true;
}

/** The group is gone: its exit is kept, and what was asked of it (if anything) is handed back. */
export function ended(trial: TrialRecord, exit: GroupExit): PendingOutcome | undefined {
  expect(trial, 'end a group', 'RUNNING');
  const t = w(trial);
  const outcome = t.pendingOutcome;
  t.exit = exit;
  t.pendingOutcome = undefined;
  return outcome;
}

/** Paused by the scheduler: its slots go back (ray-project/ray#17720) and it waits for a promotion. */
export function pause(trial: TrialRecord, reason: string): void {
  expect(trial, 'pause', 'RUNNING');
  const t = w(trial);
  t.grant = undefined;
  transition(t, 'PAUSED');
  t.waitingReason = reason;
}

/** Back to the queue, ahead of new trials (exploited, preempted): not a failure. */
export function requeue(trial: TrialRecord): void {
  expect(trial, 'requeue', 'RUNNING');
  const t = w(trial);
  t.grant = undefined;
  transition(t, 'PENDING');
  t.resumeFirst = true;
}

/** A paused trial the scheduler promotes: pending again, ahead of new trials. */
export function resumePaused(trial: TrialRecord): void {
  expect(trial, 'resume', 'PAUSED');
  transition(w(trial), 'PENDING');
  w(trial).resumeFirst = true;
}

function noteRestore(trial: TrialRecord, exit: GroupExit, level: RestoreContext['level']): RestoreContext {
  const latest = trial.checkpoints[trial.checkpoints.length - 1];
  const context: RestoreContext = {
    from_checkpoint: latest?.name ?? null,
    after_failure: exit.reason,
    exit_code: exit.exitCode ?? null,
    signal: exit.signal ?? null,
    failures: trial.trainFailures + trial.tuneFailures,
    level,
  };
  const t = w(trial);
  t.restoreContext = context;
  t.iterationsSinceRestore = 0;
  return context;
}

/** A failure with no new result since the last one; restarts back off on this count. */
function failedAgain(trial: TrialRecord): number {
  return ++w(trial).failuresWithoutProgress;
}

/** Ray Train: the worker group restarts inside the trial, keeping its slots. */
export function restartWorkers(trial: TrialRecord, exit: GroupExit): { context: RestoreContext; failuresInARow: number } {
  expect(trial, 'restart its workers', 'RUNNING');
  w(trial).trainFailures++;
  return { context: noteRestore(trial, exit, 'trainer'), failuresInARow: failedAgain(trial) };
}

/**
 * Ray Tune: the failed trial is retried as a whole, pending again with its slots given back;
 * `delayMs(failuresInARow)` says how long it waits before it may be admitted.
 */
export function retry(trial: TrialRecord, exit: GroupExit, nowMs: number, delayMs: (failuresInARow: number) => number): { context: RestoreContext; delay: number } {
  expect(trial, 'be retried', 'RUNNING');
  const t = w(trial);
  t.tuneFailures++;
  t.trainFailures = 0;
  const context = noteRestore(trial, exit, 'tuner');
  t.grant = undefined;
  transition(t, 'PENDING');
  t.resumeFirst = true;
  const delay = delayMs(failedAgain(trial));
  t.notBefore = nowMs + delay;
  return { context, delay };
}

/** The trial ends for good; false (and nothing changes) when it had already ended. */
export function finish(trial: TrialRecord, status: 'TERMINATED' | 'ERROR', reason: string): boolean {
  if (isFinished(trial.status)) return false;
  const t = w(trial);
  transition(t, status);
  t.endReason = reason;
  t.waitingReason = undefined;
  return true;
}

/** How a finished trial may be reopened: the only way a finished trial changes. */
export type Reopening =
  /** `tunekit extend`: a TERMINATED trial runs on to `to`, ignoring run_config.stop and the scheduler. */
  | { kind: 'extend'; to: number }
  /** A resume with --resume-errored: an ERROR trial continues from its latest checkpoint. */
  | { kind: 'resume-errored' }
  /** A resume with --restart-errored: an ERROR trial starts over from scratch. */
  | { kind: 'restart-errored' };

export function reopen(trial: TrialRecord, how: Reopening): void {
  const from = how.kind === 'extend' ? 'TERMINATED' : 'ERROR';
  if (trial.status !== from) refuse(trial, `be reopened (${how.kind} reopens only a ${from} trial)`);
  const t = w(trial);
  // The one move out of a finished status; transition() refuses it everywhere else.
  t.status = 'PENDING';
  t.resumeFirst = true;
  t.endReason = undefined;
  if (how.kind === 'extend') {
    t.extendTo = how.to;
    return;
  }
  t.exit = undefined;
  if (how.kind === 'resume-errored') return;
  // The checkpoint directories stay on disk; the trial just no longer resumes from them.
  t.checkpoints = [];
  t.iteration = 0;
  t.timeTotalS = 0;
  t.lastResult = undefined;
}
