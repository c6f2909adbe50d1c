import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  isSameProcess,
  parseProcStat,
  processStartTime,
  stopOrphans,
} from '../../../runtime/tuner/process_identity';
import { replayExperiment } from '../../../runtime/tuner/experiment_replay';
import { ExperimentFixture, grant } from './experiment_fixture';

/** A `sleep 60` leading its own process group, as workers are spawned. */
function orphanLike(t: TestContext, command = 'sleep 60'): ChildProcess {
  const child = spawn('sh', ['-c', `exec ${command}`], { detached: true, stdio: 'ignore' });
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return child;
}

function exited(child: ChildProcess): Promise<NodeJS.Signals | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.signalCode);
  return new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
}

test('the start time is read past a command name holding spaces and parentheses', () => {
  const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
  fields[0] = 'S';
  fields[19] = '987654';
  assert.deepEqual(parseProcStat(`4242 (evil) name (x)) ${fields.join(' ')}\n`), { state: 'S', startTime: 987654 });
  assert.equal(parseProcStat('4242 (truncated'), undefined);
});

test('this process is recognised by its own start time and not by another', () => {
  const start = processStartTime(process.pid);
  assert.equal(typeof start, 'number');
  assert.equal(isSameProcess(process.pid, start!), true);
  assert.equal(isSameProcess(process.pid, start! + 1), false);
});

test('a recorded worker still alive is stopped with SIGTERM through its process group', async (t) => {
  const child = orphanLike(t);
  const startTime = processStartTime(child.pid!);
  assert.notEqual(startTime, undefined);

  const stopped = await stopOrphans([{ pid: child.pid!, startTime }], { graceMs: 2000 });

  assert.deepEqual(stopped, [child.pid]);
  assert.equal(await exited(child), 'SIGTERM');
});

test('a worker that ignores SIGTERM is killed once the grace period is over', async (t) => {
  const child = orphanLike(t, `sh -c "trap '' TERM; sleep 60"`);
  // Give the shell time to install its trap before the TERM arrives.
  await new Promise((resolve) => setTimeout(resolve, 100));

  const stopped = await stopOrphans([{ pid: child.pid!, startTime: processStartTime(child.pid!) }], { graceMs: 150 });

  assert.deepEqual(stopped, [child.pid]);
  assert.equal(await exited(child), 'SIGKILL');
});

test('a process whose start time differs from the recorded one is left alone', async (t) => {
  const child = orphanLike(t);
  const startTime = processStartTime(child.pid!)!;

  const stopped = await stopOrphans([{ pid: child.pid!, startTime: startTime - 1 }], { graceMs: 100 });

  assert.deepEqual(stopped, []);
  assert.equal(isSameProcess(child.pid!, startTime), true);
});

test('a process recorded without a start time is left alone, even one older than the journal line naming its PID', async (t) => {
  const child = orphanLike(t);
  const exp = new ExperimentFixture(t);
  const trial = exp.trial(0);
  // An older journal: the PID alone, written after the process started.
  exp.event({ type: 'trial_started', ts: Date.now() / 1000 + 60, trial_id: trial.id, grant, pids: [child.pid!] });
  const { processes } = await replayExperiment(exp.path);

  const stopped = await stopOrphans(processes, { graceMs: 100 });

  assert.deepEqual(stopped, []);
  assert.equal(processStartTime(child.pid!) !== undefined, true);
});

test('a dead PID is ignored', async () => {
  const gone = spawnSync('true').pid;
  const stopped = await stopOrphans([{ pid: gone }, { pid: gone, startTime: 1 }], { graceMs: 100 });
  assert.deepEqual(stopped, []);
});
