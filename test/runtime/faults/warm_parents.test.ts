import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { alivePids, processesMatching, runCli, scratchDir } from '../cli_harness';
import { RESUMABLE_WORKER, journal, liveWorkerPids, sleep } from './fault_harness';

/** The warm parent of a live worker (its parent process), if that is a Python process. */
function warmParentOf(pid: number): number | undefined {
  try {
    const ppid = Number(/^PPid:\s*(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
    return readFileSync(`/proc/${ppid}/comm`, 'utf8').startsWith('python') ? ppid : undefined;
  } catch {
    return undefined;
  }
}

async function until(what: string, ok: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const spec = (marker: string, extra = '') => `
trainer:
  command: [python3, worker.py, ${marker}]
  train_loop_config: {iterations: 60, sleep: 0.05}
  scaling_config: {trainer_resources: {CPU: 0}, resources_per_worker: {CPU: 0.5}}
${extra}
param_space:
  train_loop_config: {x: {grid_search: [1, 2]}}
tune_config: {max_concurrent_trials: 2}
run_config: {name: warm}
`;

describe('warm parents under faults', () => {
  it('a SIGKILLed runtime leaves neither warm parents nor the workers they forked', async () => {
    const marker = `tunekit-fault-warm-runtime-${process.pid}`;
    const { dir, cleanup } = scratchDir({ 'worker.py': RESUMABLE_WORKER, 'w.tune.yaml': spec(marker) });
    try {
      const experiment = join(dir, 'tunekit_results', 'warm');
      let pid = 0;
      const running = runCli(['run', join(dir, 'w.tune.yaml')], { onSpawn: (p) => (pid = p) });
      await until('two running warm workers', () => liveWorkerPids(experiment).filter((w) => warmParentOf(w) !== undefined).length === 2);
      const parents = liveWorkerPids(experiment).map((w) => warmParentOf(w)!);
      process.kill(pid, 'SIGKILL');
      await running;
      await until('every process of the run to be gone', () => processesMatching(marker).length === 0, 5000);
      await until('the warm parents to be gone', () => alivePids(parents).length === 0, 5000);
    } finally {
      cleanup();
    }
  });

  it('a SIGKILLed warm parent fails only its own trial, which restarts from a new warm parent', async () => {
    const marker = `tunekit-fault-warm-parent-${process.pid}`;
    const { dir, cleanup } = scratchDir({ 'worker.py': RESUMABLE_WORKER, 'w.tune.yaml': spec(marker, '  failure_config: {max_failures: 1}') });
    try {
      const experiment = join(dir, 'tunekit_results', 'warm');
      const running = runCli(['run', join(dir, 'w.tune.yaml'), '--json'], { timeoutMs: 60_000 });
      await until('two running warm workers', () => liveWorkerPids(experiment).filter((w) => warmParentOf(w) !== undefined).length === 2);
      const [victim] = liveWorkerPids(experiment);
      const parent = warmParentOf(victim)!;
      process.kill(parent, 'SIGKILL');
      const run = await running;
      assert.equal(run.code, 0, run.stderr);
      const summary = JSON.parse(run.stdout);
      assert.deepEqual(summary.trials.map((t: { status: string }) => t.status), ['TERMINATED', 'TERMINATED']);
      assert.ok(journal(experiment).some((e) => e.type === 'trial_restored' && e.after_failure), 'the killed trial restarted');
      await until('the killed parent and its worker to be gone', () => alivePids([parent, victim]).length === 0, 5000);
      await until('every process of the run to be gone', () => processesMatching(marker).length === 0, 5000);
    } finally {
      cleanup();
    }
  });
});
