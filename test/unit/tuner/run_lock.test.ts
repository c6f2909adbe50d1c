import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { processStartTime } from '../../../runtime/tuner/process_identity';
import { acquireRunLock, ExperimentLockedError, LOCK_FILE, readHeldLock, removeStaleLock } from '../../../runtime/tuner/run_lock';

function experimentDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'tunekit-lock-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A lock left by a run that was SIGKILLed: its process no longer exists. */
function writeStaleLock(dir: string): number {
  const pid = spawnSync('true').pid;
  writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid, start_time: 12345, hostname: hostname(), acquired_at: 1_700_000_000, token: 'old' }));
  return pid;
}

test('the lock file names this process and its start time', async (t) => {
  const dir = experimentDir(t);
  const lock = await acquireRunLock(dir);
  const owner = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'));
  assert.equal(owner.pid, process.pid);
  assert.equal(owner.start_time, processStartTime(process.pid));
  assert.equal(owner.hostname, hostname());
  lock.release();
});

test('a second acquire while the holder lives fails, saying who holds it and how to stop it', async (t) => {
  const dir = experimentDir(t);
  const lock = await acquireRunLock(dir);
  await assert.rejects(acquireRunLock(dir), (err: Error) => {
    assert.ok(err instanceof ExperimentLockedError);
    assert.match(
      err.message,
      new RegExp(`^experiment ${dir} is being run by tunekit process ${process.pid} \\(started \\d\\d:\\d\\d:\\d\\d\\); stop it first \\(Ctrl-C in its terminal, or kill ${process.pid}\\)$`),
    );
    return true;
  });
  lock.release();
});

test('a lock left by a process that exited is taken over', async (t) => {
  const dir = experimentDir(t);
  writeStaleLock(dir);
  const lock = await acquireRunLock(dir);
  assert.equal(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid, process.pid);
  lock.release();
});

test('a lock whose PID was reused by a later process is taken over', async (t) => {
  const dir = experimentDir(t);
  writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: process.pid, start_time: processStartTime(process.pid)! - 1, hostname: hostname(), acquired_at: 1 }));
  const lock = await acquireRunLock(dir);
  lock.release();
});

test('a lock held from another host is respected', async (t) => {
  const dir = experimentDir(t);
  writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: 1, start_time: 1, hostname: 'elsewhere', acquired_at: 1 }));
  await assert.rejects(acquireRunLock(dir), /on host elsewhere .*delete .*\.tunekit\.lock if that run is gone/);
});

test('release removes the lock file and nothing else is left behind', async (t) => {
  const dir = experimentDir(t);
  writeStaleLock(dir);
  const lock = await acquireRunLock(dir);
  lock.release();
  assert.deepEqual(readdirSync(dir), []);
  await (await acquireRunLock(dir)).release();
});

test('release leaves alone a lock that is no longer its own', async (t) => {
  const dir = experimentDir(t);
  const lock = await acquireRunLock(dir);
  writeStaleLock(dir);
  const theirs = readFileSync(join(dir, LOCK_FILE), 'utf8');
  lock.release();
  assert.equal(readFileSync(join(dir, LOCK_FILE), 'utf8'), theirs);
});

test('of two acquirers racing for a free experiment, exactly one wins', async (t) => {
  const dir = experimentDir(t);
  const outcomes = await Promise.allSettled([acquireRunLock(dir), acquireRunLock(dir)]);
  assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 1);
  const lost = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
  assert.ok(lost.reason instanceof ExperimentLockedError);
});

test('of several resumers taking over the same stale lock at once, exactly one wins', async (t) => {
  for (let round = 0; round < 10; round++) {
    const dir = experimentDir(t);
    writeStaleLock(dir);
    const outcomes = await Promise.allSettled([acquireRunLock(dir), acquireRunLock(dir), acquireRunLock(dir)]);
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    assert.equal(won.length, 1, `round ${round}: ${outcomes.map((o) => (o.status === 'rejected' ? String(o.reason) : 'won')).join('; ')}`);
    for (const o of outcomes) if (o.status === 'rejected') assert.ok(o.reason instanceof ExperimentLockedError);
    (won[0] as PromiseFulfilledResult<{ release(): void }>).value.release();
    assert.equal(existsSync(join(dir, LOCK_FILE)), false);
  }
});

test('a resumer that judged the lock stale after another already took it over leaves the new lock alone', async (t) => {
  const dir = experimentDir(t);
  const path = join(dir, LOCK_FILE);
  writeStaleLock(dir);
  const judgedStale = (await readHeldLock(path))!;
  unlinkSync(path);
  const winner = await acquireRunLock(dir);
  const winnersLock = readFileSync(path, 'utf8');

  await removeStaleLock(path, judgedStale);

  assert.equal(readFileSync(path, 'utf8'), winnersLock);
  assert.deepEqual(readdirSync(dir), [LOCK_FILE]);
  winner.release();
});
