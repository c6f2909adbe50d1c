/**
 * Rebuilds an experiment's state from its directory, so an interrupted run (Ctrl-C, a
 * crash, SIGKILL) can go on where it stopped: experiment.json, the journal, the saved
 * search state, and each trial's results and checkpoints. It only reads, so browsing may
 * call it too: leftovers of the interruption (torn last lines, half-copied or
 * unacknowledged checkpoints) are skipped here and put right by experiment_repair, under
 * the run lock, before a resume appends (issue 12).
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExperimentRecord, TrialCreatedEvent } from '../../protocol/journal';
import { reduceJournal, type TrialJournal } from '../../protocol/journal_reducer';
import { compareKeys, getAt } from '../search/config_paths';
import { planSearch } from '../search/variants';
import { type CheckpointDir, listCheckpoints } from '../storage/checkpoints';
import { EXPERIMENT_FILE, JOURNAL_FILE } from '../storage/experiment_dir';
import { readJournal } from '../storage/journal';
import { type ResultLines, readResultLines } from '../storage/result_lines';
import { resolveInside } from '../storage/safe_path';
import { RESULT_FILE } from '../storage/trial_dir';
import { mapLimited } from './map_limited';
import type { RecordedProcess } from './process_identity';
import { resolveTrialConfig, type CheckpointEntry, type SampledLeaf, type TrialRecord } from './trial_record';
import { reopen } from './trial_lifecycle';

export const SEARCH_STATE_FILE = 'search_state.json';

/** experiment.json as the Tuner writes it: the protocol header plus what a resume needs. */
export type ExperimentFile = ExperimentRecord & {
  command?: string[];
  capacity?: unknown;
  searcher?: string;
  scheduler?: string;
};

export interface SearchState {
  searcher: { name: string; state: unknown };
  scheduler: { name: string; state: unknown };
  trials_created: number;
}

export interface ReplayOptions {
  /** Ray's resume_errored: failed trials continue from their latest checkpoint. */
  resumeErrored?: boolean;
  /** Ray's restart_errored: failed trials start again from scratch. */
  restartErrored?: boolean;
  /** Trials already read (by the repair that just ran), by trial directory name. */
  read?: ReadonlyMap<string, TrialOnDisk>;
}

/** What a trial's directory holds that the replay needs: its result rows and its checkpoints. */
export interface TrialOnDisk {
  rows: ResultLines;
  /** Complete checkpoint directories, oldest first. */
  checkpoints: readonly CheckpointDir[];
}

export interface ReplayedExperiment {
  record: ExperimentFile;
  searchState?: SearchState;
  /** In index order. */
  trials: TrialRecord[];
  /** Worker processes recorded as started for trials that had not finished: candidates for orphan cleanup. */
  processes: Array<RecordedProcess & { trialId: string }>;
  /** The last event is experiment_finished with status 'finished'. */
  finished: boolean;
  /** Results of restarted trials that no longer count; the Tuner journals them. */
  superseded: Array<{ trialId: string; fromIteration: number; toIteration: number }>;
}

export async function replayExperiment(experimentPath: string, options: ReplayOptions = {}): Promise<ReplayedExperiment> {
  if (options.resumeErrored && options.restartErrored) {
    throw new Error('resume_errored and restart_errored cannot be used together: choose whether failed trials continue or start again');
  }
  const record = await readRecord(experimentPath);
  const fail = (err: unknown): never => {
    throw new Error(`cannot resume ${experimentPath}: ${(err as Error).message}`, { cause: err });
  };
  const events = await readJournal(join(experimentPath, JOURNAL_FILE)).catch(fail);
  const searchState = await readSearchState(experimentPath).catch(fail);
  const journal = reduceJournal(events);
  const histories = journal.createdTrials();
  const trials: TrialRecord[] = [];
  const superseded: ReplayedExperiment['superseded'] = [];
  const processes: ReplayedExperiment['processes'] = [];
  try {
    // Trials are independent on disk: read them side by side (one by one, 1,000 trials took twice as long).
    const rowsOf = new Map<string, ResultLines>();
    const checkpointsOf = new Map<string, readonly CheckpointDir[]>();
    await mapLimited(histories, READ_CONCURRENCY, async ({ created }) => {
      const known = options.read?.get(created.trial_dir_name);
      const dir = trialDir(experimentPath, created);
      rowsOf.set(created.trial_id, known?.rows ?? (await readResultLines(join(dir, RESULT_FILE))));
      checkpointsOf.set(created.trial_id, known?.checkpoints ?? (await listCheckpoints(dir)));
    });
    const rebuilt = histories.map((history) => rebuildTrial(record, experimentPath, history, rowsOf, checkpointsOf.get(history.created.trial_id) ?? []));
    for (const [i, history] of histories.entries()) {
      const trial = rebuilt[i];
      applyErroredPolicy(trial, options, superseded);
      trials.push(trial);
      for (const started of history.liveStarts) {
        started.pids.forEach((pid, rank) => processes.push({ trialId: trial.id, pid, startTime: started.startTimes[rank] }));
      }
    }
  } catch (err) {
    fail(err);
  }
  return { record, searchState, trials, processes, finished: journal.finished, superseded };
}

const READ_CONCURRENCY = 16;

async function readRecord(experimentPath: string): Promise<ExperimentFile> {
  const isDir = await stat(experimentPath).then((s) => s.isDirectory(), () => false);
  if (!isDir) throw new Error(`cannot resume ${experimentPath}: no such directory`);
  let text: string;
  try {
    text = await readFile(join(experimentPath, EXPERIMENT_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`${experimentPath} is not a Tunekit experiment directory: it has no ${EXPERIMENT_FILE}`);
    }
    throw new Error(`cannot resume ${experimentPath}: ${EXPERIMENT_FILE} is unreadable (${(err as Error).message})`);
  }
  let record: Partial<ExperimentFile>;
  try {
    record = JSON.parse(text) as Partial<ExperimentFile>;
  } catch (err) {
    throw new Error(`cannot resume ${experimentPath}: ${EXPERIMENT_FILE} is not valid JSON (${(err as Error).message})`);
  }
  const missing = !isObject(record) ? 'anything' : typeof record.experiment_id !== 'string' ? 'experiment_id' : !isObject(record.spec) ? 'spec' : undefined;
  if (missing) throw new Error(`cannot resume ${experimentPath}: ${EXPERIMENT_FILE} has no ${missing}`);
  return record as ExperimentFile;
}

async function readSearchState(experimentPath: string): Promise<SearchState | undefined> {
  let text: string;
  try {
    text = await readFile(join(experimentPath, SEARCH_STATE_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    return JSON.parse(text) as SearchState;
  } catch (err) {
    throw new Error(`${SEARCH_STATE_FILE} is not valid JSON (${(err as Error).message})`);
  }
}

function trialDir(experimentPath: string, created: TrialCreatedEvent): string {
  resolveInside(experimentPath, created.trial_dir_name);
  return join(experimentPath, created.trial_dir_name);
}

function rebuildTrial(
  record: ExperimentFile,
  experimentPath: string,
  history: TrialHistory,
  rowsOf: ReadonlyMap<string, ResultLines>,
  checkpointDirs: readonly CheckpointDir[],
): TrialRecord {
  const { created } = history;
  const dir = trialDir(experimentPath, created);
  const lastRow = rowsOf.get(created.trial_id)?.last();
  const rowIteration = numberOr(lastRow?.training_iteration, 0);
  const checkpoints = rebuildCheckpoints(history, rowsOf, checkpointDirs);
  const trial: TrialRecord = {
    id: created.trial_id,
    index: created.index,
    name: created.trial_dir_name,
    dir,
    config: history.config,
    sampled: sampledLeaves(record.spec.param_space, history.config),
    ...resolveTrialConfig(record.spec, history.config),
    // A PBT clone can put the latest checkpoint past the last row; the trial goes on from there.
    iteration: Math.max(rowIteration, checkpoints[checkpoints.length - 1]?.iteration ?? 0),
    lastResult: lastRow,
    timeTotalS: numberOr(lastRow?.time_total_s, 0),
    checkpoints,
    trainFailures: history.trainFailures,
    tuneFailures: history.tuneFailures,
    iterationsSinceRestore: 0,
    failuresWithoutProgress: 0,
    ...lifecycleFromJournal(history.lastStatusEvent),
  };
  return trial;
}

/** Where the trial's life stood at its last status event (a record is built with it, not changed). */
function lifecycleFromJournal(last: TrialHistory['lastStatusEvent']): Pick<TrialRecord, 'status' | 'endReason' | 'exit' | 'waitingReason' | 'resumeFirst'> {
  if (last?.type === 'trial_finished') {
    const exit = { status: last.status, reason: last.reason, exitCode: last.exit_code, signal: last.signal, failedRank: last.failed_rank ?? undefined };
    return { status: last.status, endReason: last.reason, exit };
  }
  if (last?.type === 'trial_paused') return { status: 'PAUSED', waitingReason: last.reason };
  // It was running, or queued to resume, when the run stopped.
  if (last) return { status: 'PENDING', resumeFirst: true };
  return { status: 'PENDING' };
}

/** The searched leaves (grid and sampled) in path order, with the values of the recorded config. */
function sampledLeaves(paramSpace: unknown, config: Record<string, unknown>): SampledLeaf[] {
  const plan = planSearch(paramSpace);
  return [...plan.grid, ...plan.random]
    .map((leaf) => leaf.keys)
    .sort(compareKeys)
    .map((keys) => ({ path: keys.join('/'), value: getAt(config, keys) }));
}

function rebuildCheckpoints(history: TrialHistory, rowsOf: ReadonlyMap<string, ResultLines>, checkpointDirs: readonly CheckpointDir[]): CheckpointEntry[] {
  const rows = rowsOf.get(history.created.trial_id);
  const entries: CheckpointEntry[] = [];
  for (const { name } of checkpointDirs) {
    const row = rows?.lastNaming(name);
    const committed = history.committed.get(name);
    if (row) {
      entries.push({ name, iteration: numberOr(row.training_iteration, committed ?? 0), metrics: row });
    } else if (committed !== undefined) {
      const clone = history.clones.get(name);
      const donorRow = clone && rowsOf.get(clone.donorId)?.lastNaming(clone.donorCheckpoint);
      entries.push({ name, iteration: committed, metrics: donorRow ?? {} });
    }
    // Otherwise it was copied just before the crash but never acknowledged: not a checkpoint yet.
  }
  return entries;
}

function applyErroredPolicy(trial: TrialRecord, options: ReplayOptions, superseded: ReplayedExperiment['superseded']): void {
  if (trial.status !== 'ERROR' || !(options.resumeErrored || options.restartErrored)) return;
  if (options.restartErrored && trial.iteration > 0) superseded.push({ trialId: trial.id, fromIteration: 1, toIteration: trial.iteration });
  reopen(trial, { kind: options.restartErrored ? 'restart-errored' : 'resume-errored' });
}

/** A created trial's journal, as the one reducer reads it. */
type TrialHistory = TrialJournal & { created: TrialCreatedEvent };

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
