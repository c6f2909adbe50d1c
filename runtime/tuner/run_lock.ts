/**
 * `<experiment>/.tunekit.lock`: one runtime per experiment directory at a time. The file
 * appears whole (written aside, then hard-linked into place, which fails if it exists),
 * and a lock whose owner is gone (a SIGKILLed run) is taken over.
 */
import { randomBytes } from 'node:crypto';
import { lstatSync, readFileSync, unlinkSync } from 'node:fs';
import { link, lstat, readFile, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../errors/user_error';
import { isSameProcess, processStartTime } from './process_identity';

export const LOCK_FILE = '.tunekit.lock';

interface LockOwner {
  pid: number;
  start_time: number | null;
  hostname: string;
  /** Epoch seconds. */
  acquired_at: number;
  /** Tells two locks of the same process apart. */
  token: string;
}

/** Someone else is running this experiment. */
export class ExperimentLockedError extends UserError {
  constructor(
    readonly experimentPath: string,
    readonly owner: LockOwner,
  ) {
    super(lockedMessage(experimentPath, owner));
    this.name = 'ExperimentLockedError';
  }
}

function lockedMessage(experimentPath: string, owner: LockOwner): string {
  const started = new Date(owner.acquired_at * 1000).toLocaleTimeString('en-GB', { hour12: false });
  if (owner.hostname !== hostname()) {
    return (
      `experiment ${experimentPath} is being run by tunekit process ${owner.pid} on host ${owner.hostname} (started ${started}); ` +
      `stop it there first, or delete ${join(experimentPath, LOCK_FILE)} if that run is gone`
    );
  }
  return `experiment ${experimentPath} is being run by tunekit process ${owner.pid} (started ${started}); stop it first (Ctrl-C in its terminal, or kill ${owner.pid})`;
}

export class RunLock {
  private released = false;

  constructor(
    readonly path: string,
    private readonly raw: string,
  ) {}

  /** Removes the lock file if it is still this lock's; synchronous, so an exit handler can call it. */
  release(): void {
    if (this.released) return;
    this.released = true;
    try {
      if (readFileSync(this.path, 'utf8') === this.raw) unlinkSync(this.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}

const ATTEMPTS = 20;
/** A takeover marker older than this belongs to a taker that died mid-takeover. */
const STUCK_TAKEOVER_MS = 10_000;

export async function acquireRunLock(experimentPath: string): Promise<RunLock> {
  const path = join(experimentPath, LOCK_FILE);
  const owner: LockOwner = {
    pid: process.pid,
    start_time: processStartTime(process.pid) ?? null,
    hostname: hostname(),
    acquired_at: Date.now() / 1000,
    token: randomBytes(8).toString('hex'),
  };
  const raw = `${JSON.stringify(owner)}\n`;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (await createExclusive(path, raw)) return new RunLock(path, raw);
    const held = await readHeldLock(path);
    if (!held) continue;
    if (held.owner && ownerIsAlive(held.owner)) throw new ExperimentLockedError(experimentPath, held.owner);
    await removeStaleLock(path, held);
  }
  throw new Error(`could not take the lock ${path}: it kept changing hands; try again`);
}

async function createExclusive(path: string, raw: string): Promise<boolean> {
  const aside = `${path}.${randomBytes(6).toString('hex')}`;
  await writeFile(aside, raw, { flag: 'wx', mode: 0o644 });
  try {
    await link(aside, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await unlink(aside).catch(() => undefined);
  }
}

export interface HeldLock {
  ino: number;
  raw: string;
  /** Undefined when the file is not a lock we can read: treated as stale. */
  owner?: LockOwner;
}

/** The lock file as found, or undefined when there is none. */
export async function readHeldLock(path: string): Promise<HeldLock | undefined> {
  try {
    const { ino } = await lstat(path);
    const raw = await readFile(path, 'utf8');
    return { ino, raw, owner: parseOwner(raw) };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function parseOwner(raw: string): LockOwner | undefined {
  try {
    const value = JSON.parse(raw) as Partial<LockOwner>;
    if (typeof value.pid !== 'number' || typeof value.hostname !== 'string' || typeof value.acquired_at !== 'number') return undefined;
    return { start_time: null, token: '', ...value } as LockOwner;
  } catch {
    return undefined;
  }
}

/** A lock from another host cannot be checked from here, so it counts as held. */
function ownerIsAlive(owner: LockOwner): boolean {
  if (owner.hostname !== hostname()) return true;
  if (owner.start_time !== null) return isSameProcess(owner.pid, owner.start_time);
  return processStartTime(owner.pid) !== undefined;
}

/**
 * Removes the stale lock `held`, unless another taker is already at it. A hard link named
 * after the stale file's inode marks the takeover: only the taker that created it may
 * unlink, and only while the lock file is still that same stale file.
 */
export async function removeStaleLock(path: string, held: HeldLock): Promise<void> {
  const marker = `${path}.takeover-${held.ino}`;
  try {
    await link(path, marker);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return clearStuckMarker(marker);
    if (code === 'ENOENT') return;
    throw err;
  }
  try {
    const { ino } = await lstat(marker);
    // Inode numbers are reused, so the content must match too.
    if (ino === held.ino && (await readFile(marker, 'utf8')) === held.raw) await unlink(path);
  } finally {
    await unlink(marker).catch(() => undefined);
  }
}

function clearStuckMarker(marker: string): void {
  try {
    if (Date.now() - lstatSync(marker).ctimeMs > STUCK_TAKEOVER_MS) unlinkSync(marker);
  } catch {
    // Another taker finished or cleared it meanwhile.
  }
}
