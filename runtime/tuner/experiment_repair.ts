/**
 * Puts right what a killed run left in its experiment directory, before a resume appends
 * to it: torn last lines, half-copied and unacknowledged checkpoints, and a progress.csv
 * short of its result.json. Reading never writes (issue 12): browsing and replay only
 * read, and this runs only in the process holding the run lock. It changes only regular
 * files and directories inside the experiment, and refuses to go through a symlink.
 */
import { closeSync, constants, lstatSync, openSync, readFileSync, readdirSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../storage/atomic_write';
import { TEMP_PREFIX, checkpointIndex } from '../storage/checkpoints';
import { JOURNAL_FILE } from '../storage/experiment_dir';
import { readJournal } from '../storage/journal';
import { trimTornLine } from '../storage/jsonl';
import { ResultLines } from '../storage/result_lines';
import { reconciledProgressCsv } from '../storage/progress_csv';
import { resolveInside } from '../storage/safe_path';
import { PROGRESS_FILE, RESULT_FILE } from '../storage/trial_dir';
import type { TrialOnDisk } from './experiment_replay';
import { LOCK_FILE, readHeldLock } from './run_lock';

const PBT_LOG_FILE = 'pbt_policy_log.jsonl';

/**
 * Trials read between two turns of the event loop. A trial's files are read with synchronous
 * calls (cached small files: an async call per file cost ten times as much on a 1,000-trial
 * resume), in batches, so a daemon hosting other experiments still answers their reports.
 */
const TRIALS_PER_TURN = 32;

/** Repairs the experiment at `experimentPath`, whose run lock this process holds; returns what it did, in words. */
export async function repairExperiment(experimentPath: string): Promise<string[]> {
  return (await repairAndRead(experimentPath)).said;
}

export interface Repaired {
  /** What the repair did, in words. */
  said: string[];
  /**
   * Each trial's result.json rows and checkpoints as the repair left them, by trial directory
   * name: a resume's replay reuses them instead of reading every trial a second time.
   */
  trials: Map<string, TrialOnDisk>;
}

/** The repair, keeping the rows it read for the replay that follows it. */
export async function repairAndRead(experimentPath: string): Promise<Repaired> {
  await assertLockHeld(experimentPath);
  const repaired: string[] = [];
  for (const name of [JOURNAL_FILE, PBT_LOG_FILE]) await trim(experimentPath, name, repaired);
  const events = await readJournal(join(experimentPath, JOURNAL_FILE));
  const committed = new Map<string, Set<string>>();
  for (const e of events) {
    if (e.type === 'checkpoint_committed') {
      if (!committed.has(e.trial_id)) committed.set(e.trial_id, new Set());
      committed.get(e.trial_id)!.add(e.checkpoint_dir_name);
    }
  }
  const seen = new Set<string>();
  const trials: Array<{ name: string; committed: ReadonlySet<string> }> = [];
  for (const e of events) {
    if (e.type !== 'trial_created' || seen.has(e.trial_id)) continue;
    seen.add(e.trial_id);
    trials.push({ name: e.trial_dir_name, committed: committed.get(e.trial_id) ?? new Set() });
  }
  const onDisk = new Map<string, TrialOnDisk>();
  for (const [i, { name, committed }] of trials.entries()) {
    if (i > 0 && i % TRIALS_PER_TURN === 0) await new Promise((resolve) => setImmediate(resolve));
    const trial = await repairTrial(experimentPath, name, committed, repaired);
    if (trial) onDisk.set(name, trial);
  }
  return { said: repaired, trials: onDisk };
}

/**
 * Returns the trial's result.json rows and checkpoints after the repair (none for a trial
 * without a directory). One listing of the trial directory says what each entry is, and each
 * file is read once: a resume repairs every trial, so per-file lstat and tail reads added up
 * to seconds.
 */
async function repairTrial(experimentPath: string, name: string, committed: ReadonlySet<string>, repaired: string[]): Promise<TrialOnDisk | undefined> {
  const dir = resolveInside(experimentPath, name);
  const kind = entryKind(experimentPath, name);
  if (kind === 'missing') return undefined;
  if (kind !== 'directory') throw new Error(`cannot repair ${experimentPath}: ${name} is ${kind === 'symlink' ? 'a symlink' : 'not a directory'}`);
  const entries = readdirSync(dir, { withFileTypes: true });
  const kinds = new Map<string, EntryKind>(entries.map((e) => [e.name, e.isSymbolicLink() ? 'symlink' : e.isFile() ? 'file' : e.isDirectory() ? 'directory' : 'other']));
  for (const file of [RESULT_FILE, PROGRESS_FILE]) {
    const k = kinds.get(file) ?? 'missing';
    if (k !== 'missing' && k !== 'file') throw new Error(`cannot repair ${experimentPath}: ${join(name, file)} is ${k === 'symlink' ? 'a symlink' : 'not a regular file'}`);
  }
  const resultText = kinds.has(RESULT_FILE) ? await readComplete(experimentPath, join(name, RESULT_FILE), repaired) : '';
  const progressText = kinds.has(PROGRESS_FILE) ? await readComplete(experimentPath, join(name, PROGRESS_FILE), repaired) : undefined;
  for (const entry of entries) {
    if (!entry.name.startsWith(TEMP_PREFIX)) continue;
    await rm(resolveInside(dir, entry.name), { recursive: true, force: true });
    repaired.push(`removed the unfinished checkpoint copy ${name}/${entry.name}`);
  }
  const rows = ResultLines.of(resultText, join(dir, RESULT_FILE));
  const acknowledged = new Set([...committed, ...rows.checkpointNames()]);
  // Real directories named like a checkpoint only: a symlink named like one is never one.
  const checkpoints = entries
    .filter((e) => e.isDirectory() && checkpointIndex(e.name) !== undefined)
    .map((e) => ({ name: e.name, index: checkpointIndex(e.name)! }))
    .sort((a, b) => a.index - b.index);
  const kept = checkpoints.filter((c) => acknowledged.has(c.name));
  for (const { name: checkpoint } of checkpoints) {
    if (acknowledged.has(checkpoint)) continue;
    // Copied just before the crash, but its report was never acknowledged (the row is made
    // durable before the ack): the worker will report it again, so it is not a checkpoint yet.
    const aside = join(dir, `${TEMP_PREFIX}unacknowledged_${checkpoint}`);
    await rename(join(dir, checkpoint), aside);
    await rm(aside, { recursive: true, force: true });
    repaired.push(`removed ${name}/${checkpoint}: it was copied but its report was never acknowledged`);
  }
  await reconcileProgress(experimentPath, name, progressText, rows, repaired);
  return { rows, checkpoints: kept };
}

/** A regular file's complete lines (refusing a symlink); a torn last line is cut off the file first. */
async function readComplete(experimentPath: string, relative: string, repaired: string[]): Promise<string> {
  const path = join(experimentPath, relative);
  let text: string;
  try {
    const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      text = readFileSync(fd, 'utf8');
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') throw new Error(`cannot repair ${experimentPath}: ${relative} is a symlink`);
    throw err;
  }
  const complete = text.slice(0, text.lastIndexOf('\n') + 1);
  if (complete.length < text.length) await trim(experimentPath, relative, repaired);
  return complete;
}

/** result.json is written first and is the record; progress.csv gets exactly its rows. */
async function reconcileProgress(experimentPath: string, name: string, text: string | undefined, rows: ResultLines, repaired: string[]): Promise<void> {
  const relative = join(name, PROGRESS_FILE);
  if (text === undefined && rows.length === 0) return;
  const path = join(experimentPath, relative);
  const reconciled = reconciledProgressCsv(text ?? '', rows);
  if (reconciled === undefined) return;
  // The rename replaces the file itself; nothing outside the trial directory is written.
  await writeFileAtomic(path, reconciled);
  repaired.push(`rewrote ${relative} to hold the ${rows.length} row(s) of ${RESULT_FILE}`);
}

async function trim(experimentPath: string, relative: string, repaired: string[]): Promise<void> {
  const kind = entryKind(experimentPath, relative);
  if (kind === 'missing') return;
  if (kind !== 'file') throw new Error(`cannot repair ${experimentPath}: ${relative} is ${kind === 'symlink' ? 'a symlink' : 'not a regular file'}`);
  const removed = await trimTornLine(join(experimentPath, relative));
  if (removed > 0) repaired.push(`trimmed a torn last line of ${relative} (${removed} bytes)`);
}

type EntryKind = 'missing' | 'file' | 'directory' | 'symlink' | 'other';

/** What `relative` is under `base`, looking at every step with lstat so no symlink is passed through. */
function entryKind(base: string, relative: string): EntryKind {
  let path = base;
  const parts = relative.split(/[\\/]/).filter((p) => p !== '' && p !== '.');
  for (const [i, part] of parts.entries()) {
    path = join(path, part);
    let stats;
    try {
      stats = lstatSync(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
      throw err;
    }
    if (stats.isSymbolicLink()) return 'symlink';
    if (i < parts.length - 1 && !stats.isDirectory()) return 'other';
    if (i === parts.length - 1) return stats.isFile() ? 'file' : stats.isDirectory() ? 'directory' : 'other';
  }
  return 'directory';
}

/** Repair writes: only the runtime that holds the lock may, so a run in another terminal is never cut into. */
async function assertLockHeld(experimentPath: string): Promise<void> {
  const held = await readHeldLock(join(experimentPath, LOCK_FILE));
  if (held?.owner?.pid !== process.pid || held.owner.hostname !== hostname()) {
    throw new Error(`cannot repair ${experimentPath}: this process does not hold its run lock`);
  }
}
