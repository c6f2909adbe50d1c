import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readJsonLines, runCli, scratchDir } from '../cli_harness';

describe('hung workers', () => {
  it('a worker that hangs before connecting is detected within startup_timeout_s, killed and retried', async () => {
    const { dir, cleanup } = scratchDir({
      // Sleeps before importing tunekit, so it never connects.
      'worker.py': 'import time\ntime.sleep(600)\nimport tunekit\n',
      'hang.tune.yaml': `
trainer:
  command: [python3, worker.py]
  scaling_config: {trainer_resources: {CPU: 0}}
  failure_config: {max_failures: 1, startup_timeout_s: 1.5}
run_config: {name: hang}
`,
    });
    try {
      const started = Date.now();
      const run = await runCli(['run', join(dir, 'hang.tune.yaml'), '--json'], { timeoutMs: 60_000 });
      const trial = JSON.parse(run.stdout).trials[0];
      assert.equal(trial.status, 'ERROR');
      assert.match(trial.end_reason, /did not connect to Tunekit within 1.5 s/);
      const events = readJsonLines(join(JSON.parse(run.stdout).experiment_path, 'events.jsonl'));
      assert.equal(events.filter((e) => e.type === 'trial_restored').length, 1, 'retried once (max_failures: 1)');
      assert.deepEqual(events.filter((e) => e.type === 'trial_restored').map((e) => e.level), ['trainer'], 'the journal says which restart it was, as a field');
      assert.ok(Date.now() - started < 30_000, 'detected in seconds, not torch’s 30 minutes');
    } finally {
      cleanup();
    }
  });

  it('a rank that goes silent while its peer keeps going (blocked in a collective) is detected by report_timeout_s', async () => {
    const { dir, cleanup } = scratchDir({
      'worker.py': `
import os, time, tunekit
rank = int(os.environ["RANK"])
tunekit.report({"step": 0})
if rank == 1:
    time.sleep(600)   # stuck, e.g. in an all_reduce whose peer went away
for i in range(1, 600):
    time.sleep(0.1)
`,
      'silent.tune.yaml': `
trainer:
  command: [python3, worker.py]
  scaling_config: {num_workers: 2, trainer_resources: {CPU: 0}, resources_per_worker: {CPU: 0.5}}
  failure_config: {report_timeout_s: 1.5}
run_config: {name: silent}
`,
    });
    try {
      const run = await runCli(['run', join(dir, 'silent.tune.yaml'), '--json'], { timeoutMs: 60_000 });
      assert.equal(run.code, 1);
      const trial = JSON.parse(run.stdout).trials[0];
      assert.equal(trial.status, 'ERROR');
      assert.match(trial.end_reason, /sent no report for 1.5 s/);
    } finally {
      cleanup();
    }
  });

  it('report_timeout_s names the silent rank, and error.txt shows its output, while its peer waits in the report barrier', async () => {
    const { dir, cleanup } = scratchDir({
      'worker.py': `
import os, sys, time, tunekit
rank = int(os.environ["RANK"])
tunekit.report({"step": 1})
if rank == 1:
    print("rank one is stuck", flush=True)
    time.sleep(600)
print("rank zero waits in the barrier", flush=True)
tunekit.report({"step": 2})
`,
      'barrier.tune.yaml': `
trainer:
  command: [python3, worker.py]
  scaling_config: {num_workers: 2, trainer_resources: {CPU: 0}, resources_per_worker: {CPU: 0.5}}
  failure_config: {report_timeout_s: 1.5}
run_config: {name: barrier}
`,
    });
    try {
      const run = await runCli(['run', join(dir, 'barrier.tune.yaml'), '--json'], { timeoutMs: 60_000 });
      const trial = JSON.parse(run.stdout).trials[0];
      assert.equal(trial.status, 'ERROR');
      assert.match(trial.end_reason, /^worker 1 sent no report for 1.5 s/);
      const errorText = readFileSync(join(trial.path ?? trial.dir, 'error.txt'), 'utf8');
      assert.match(errorText, /rank one is stuck/);
      assert.doesNotMatch(errorText, /rank zero waits/);
    } finally {
      cleanup();
    }
  });
});

/** A 1 MiB tmpfs, or undefined where mounting is not allowed. */
function smallDisk(): { path: string; release: () => void } | undefined {
  const path = join(tmpdir(), `tunekit-full-disk-${process.pid}`);
  mkdirSync(path, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', path], { stdio: 'ignore' });
  } catch {
    rmSync(path, { recursive: true, force: true });
    return undefined;
  }
  return {
    path,
    release: () => {
      execFileSync('umount', [path], { stdio: 'ignore' });
      rmSync(path, { recursive: true, force: true });
    },
  };
}

describe('a full disk while writing a checkpoint', () => {
  it('errors the trial with a clear message and leaves the previous checkpoint intact and usable', async (t) => {
    const disk = smallDisk();
    if (!disk) {
      t.skip('cannot mount a small tmpfs here (needs root); the storage unit tests inject ENOSPC instead');
      return;
    }
    const { dir, cleanup } = scratchDir({
      // A small checkpoint first, then one bigger than the disk.
      'worker.py': `
import os, tempfile, tunekit
for it, size in enumerate([200_000, 2_000_000]):
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "model.bin"), "wb") as f:
            f.write(bytes([it + 1]) * size)
        tunekit.report({"it": it}, checkpoint=d)
`,
      'disk.tune.yaml': `
trainer:
  command: [python3, worker.py]
  scaling_config: {trainer_resources: {CPU: 0}}
run_config: {name: disk, storage_path: ${disk.path}}
`,
    });
    try {
      const run = await runCli(['run', join(dir, 'disk.tune.yaml'), '--json'], { timeoutMs: 60_000 });
      assert.equal(run.code, 1);
      const trial = JSON.parse(run.stdout).trials[0];
      assert.equal(trial.status, 'ERROR');
      const error = readFileSync(join(trial.path, 'error.txt'), 'utf8');
      assert.match(error, /ENOSPC|no space left/i);
      assert.match(error, /checkpoint_000001/);
      const first = join(trial.path, 'checkpoint_000000', 'model.bin');
      assert.ok(existsSync(first));
      const bytes = readFileSync(first);
      assert.equal(bytes.length, 200_000);
      assert.ok(bytes.every((b) => b === 1), 'the earlier checkpoint is intact');
      assert.ok(!readdirSync(trial.path).some((n) => n.startsWith('.tmp') || n === 'checkpoint_000001'), 'no partial checkpoint left');
      assert.equal(readJsonLines(join(trial.path, 'result.json')).length, 1);
    } finally {
      cleanup();
      disk.release();
    }
  });
});
