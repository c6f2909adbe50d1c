import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { DriverToTuner, TrialLaunch } from '../../../protocol/driver';
import type { SlurmBackend } from '../../../protocol/spec';
import { ChannelWriter } from '../../../runtime/backends/file_channel';
import type { QueuedJob, SlurmCommands } from '../../../runtime/backends/slurm/slurm_commands';
import { SlurmLauncher } from '../../../runtime/backends/slurm/slurm_launcher';
import type { UnstampedJournalEvent } from '../../../runtime/storage/journal';
import type { DriverHandle } from '../../../runtime/tuner/trial_launcher';

const backend: SlurmBackend = { type: 'slurm', nodes: 1, setup: [], sbatch: [], signal_grace_s: 0, poll_interval_s: 0.02 };

/** Slurm as the launcher sees it: sbatch hands out ids, squeue shows what the test says. */
class FakeSlurm {
  next = 100;
  queue = new Map<string, QueuedJob>();
  cancelled: string[] = [];
  scripts: string[] = [];
  async sbatch(script: string): Promise<string> {
    this.scripts.push(readFileSync(script, 'utf8'));
    const id = String(this.next++);
    const name = /--job-name=(\S+)/.exec(this.scripts.at(-1)!)![1];
    this.queue.set(id, { id, name, state: 'PENDING', reason: 'Priority', nodes: '' });
    return id;
  }
  async squeue(): Promise<Map<string, QueuedJob>> {
    return new Map(this.queue);
  }
  async scancel(ids: string[]): Promise<void> {
    this.cancelled.push(...ids);
    for (const id of ids) this.queue.delete(id);
  }
}

function setUp() {
  const dir = mkdtempSync(join(tmpdir(), 'tk-slurm-unit-'));
  const trialDir = join(dir, 'trial');
  mkdirSync(trialDir);
  const slurm = new FakeSlurm();
  const messages: DriverToTuner[] = [];
  const journal: UnstampedJournalEvent[] = [];
  const launcher = new SlurmLauncher(
    { spec: { trainer: { working_dir: dir } } as never, backend, commands: slurm as unknown as SlurmCommands, node: '/usr/bin/node', driverEntry: '/opt/tunekit/driver.js' },
    { onMessage: (_d, msg) => messages.push(msg), onExit: () => undefined, record: async (e) => void journal.push(e), warn: () => undefined },
  );
  const launch = {
    trialId: 'abcde_00000', trialName: 't', experimentPath: dir, trialDir, command: ['python3', 'train.py'], cwd: dir, env: {}, config: {},
    grant: { trainable: { CPU: 0, gpus: [] }, workers: [{ CPU: 1, gpus: [] }] }, checkpoint: null, reportSocket: '/x', reportToken: 'f00d'.repeat(16),
    stopGraceS: 1, startupTimeoutS: 0, reportTimeoutS: 0, perWorker: { CPU: 1, GPU: 0 }, iteration: 0,
  } satisfies TrialLaunch;
  return { dir, trialDir, slurm, messages, journal, launcher, launch, cleanup: async () => {
      await launcher.shutdown();
      rmSync(dir, { recursive: true, force: true });
    } };
}

const settle = (ms = 50) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` holds: the launcher reads its files on timers. */
async function until(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await settle(20);
  }
}
const ended = (s: { messages: DriverToTuner[] }) => () => s.messages.some((m) => m.type === 'ended');

async function submitted(s: ReturnType<typeof setUp>): Promise<DriverHandle> {
  const job = await s.launcher.acquire();
  job.send({ type: 'launch', launch: s.launch });
  await until('the job id', () => s.journal.length === 2);
  return job;
}

test('a trial job is named and journaled before sbatch, its id journaled after, and its token is never in the script', async () => {
  const s = setUp();
  try {
    await submitted(s);
    assert.deepEqual(s.journal.map((e) => [e.type, (e as { job_id: string | null }).job_id, (e as { job_name: string }).job_name]), [
      ['trial_submitted', null, 'tunekit-abcde_00000-1'],
      ['trial_submitted', '100', 'tunekit-abcde_00000-1'],
    ]);
    assert.ok(!s.slurm.scripts[0].includes('f00d'), 'no token in the job script');
    assert.match(s.slurm.scripts[0], /#SBATCH --ntasks=1\n#SBATCH --nodes=1\n#SBATCH --cpus-per-task=1/);
    assert.ok(readFileSync(join(s.trialDir, '.slurm', '1', 'to_driver.jsonl'), 'utf8').includes('f00d'), 'the token travels in the private launch file');
  } finally {
    await s.cleanup();
  }
});

test('stopping a trial whose job is still queued cancels the job and ends the trial without a driver', async () => {
  const s = setUp();
  try {
    const job = await submitted(s);
    job.send({ type: 'stop', trialId: s.launch.trialId, reason: 'stopped by the user' });
    await until('the end', ended(s));
    assert.deepEqual(s.slurm.cancelled, ['100']);
    const ends = s.messages.filter((m) => m.type === 'ended');
    assert.deepEqual(ends.map((m) => m.type === 'ended' && m.exit.status), ['TERMINATED']);
  } finally {
    await s.cleanup();
  }
});

test('a job that leaves the queue without its driver saying so ends the trial in error, naming the job and its output', async () => {
  const s = setUp();
  try {
    await submitted(s);
    writeFileSync(join(s.trialDir, 'slurm-100.out'), 'node: not found\n');
    s.slurm.queue.delete('100');
    await until('the end', ended(s));
    const end = s.messages.find((m) => m.type === 'ended');
    assert.ok(end && end.type === 'ended');
    assert.equal(end.exit.status, 'ERROR');
    assert.match(end.exit.reason, /job 100 vanished from the queue/);
    assert.deepEqual(end.exit.logTail, ['node: not found']);
  } finally {
    await s.cleanup();
  }
});

test('a driver that got SIGTERM while Slurm requeued its job ends as preempted, and the requeued copy is cancelled', async () => {
  const s = setUp();
  try {
    await submitted(s);
    const channel = new ChannelWriter(join(s.trialDir, '.slurm', '1', 'from_driver.jsonl'));
    channel.send({ type: 'started', trialId: s.launch.trialId, pids: [1], startTimes: [1], masterPort: 1 });
    await until('the start', () => s.messages.some((m) => m.type === 'started'));
    s.slurm.queue.set('100', { id: '100', name: 'tunekit-abcde_00000-1', state: 'PENDING', reason: 'BeginTime', nodes: '' });
    channel.send({ type: 'ended', trialId: s.launch.trialId, exit: { status: 'ERROR', reason: 'SIGTERM', signal: 'SIGTERM', jobSignalled: true } });
    await until('the end', ended(s));
    const end = s.messages.find((m) => m.type === 'ended');
    assert.ok(end && end.type === 'ended');
    assert.equal(end.exit.preempted, true);
    assert.deepEqual(s.slurm.cancelled, ['100']);
    const started = s.messages.find((m) => m.type === 'started');
    assert.deepEqual(started && started.type === 'started' && started.pids, [], 'no local PID is recorded for a remote worker');
  } finally {
    await s.cleanup();
  }
});

test('a resume adopts a job found by its name when the killed Tuner never recorded its id, and acknowledges what was already written', async () => {
  const s = setUp();
  try {
    const channelDir = join(s.trialDir, '.slurm', '1');
    mkdirSync(channelDir, { recursive: true });
    const events = join(s.dir, 'events.jsonl');
    writeFileSync(events, JSON.stringify({ type: 'trial_submitted', trial_id: s.launch.trialId, job_name: 'tunekit-abcde_00000-1', job_id: null, channel_dir: channelDir, iteration: 0, ts: 1 }) + '\n');
    s.slurm.queue.set('7', { id: '7', name: 'tunekit-abcde_00000-1', state: 'RUNNING', reason: 'None', nodes: 'n1' });
    const out = new ChannelWriter(join(channelDir, 'from_driver.jsonl'));
    out.send({ type: 'started', trialId: s.launch.trialId, pids: [], startTimes: [], masterPort: 1 });
    out.send({ type: 'result', trialId: s.launch.trialId, id: 0, metrics: { a: 1 }, checkpoints: [] });
    out.send({ type: 'result', trialId: s.launch.trialId, id: 1, metrics: { a: 2 }, checkpoints: [] });
    new ChannelWriter(join(channelDir, 'to_driver.jsonl')).send({ type: 'result_ack', trialId: s.launch.trialId, id: 0, checkpointDirName: null, stop: false });
    // Result 1 was written (2 rows on disk) but the Tuner died before acknowledging it.
    writeFileSync(join(s.trialDir, 'result.json'), '{"training_iteration":1}\n{"training_iteration":2,"checkpoint_dir_name":"checkpoint_000001"}\n');
    const adopted = await s.launcher.reattach([{ id: s.launch.trialId, dir: s.trialDir, iteration: 2 }], events);
    assert.equal(adopted.size, 1);
    assert.deepEqual(s.journal.map((e) => (e as { job_id: string }).job_id), ['7'], 'the id found by name is journaled');
    out.send({ type: 'result', trialId: s.launch.trialId, id: 2, metrics: { a: 3 }, checkpoints: [] });
    await until('the new result', () => s.messages.some((m) => m.type === 'result'));
    await settle(300);
    assert.deepEqual(s.messages.filter((m) => m.type === 'result').map((m) => m.type === 'result' && m.id), [2], 'only the new result is handed on');
    const acks = readFileSync(join(channelDir, 'to_driver.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(acks.map((a) => [a.id, a.checkpointDirName]), [[0, null], [1, 'checkpoint_000001']]);
    await s.launcher.shutdown();
    assert.deepEqual(s.slurm.cancelled, ['7']);
  } finally {
    await s.cleanup();
  }
});
