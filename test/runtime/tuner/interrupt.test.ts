import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { alivePids, processesMatching, readJsonLines, runCli, scratchDir } from '../cli_harness';

const SLOW_WORKER = `
import sys, time, tunekit
for i in range(1000):
    tunekit.report({"step": i})
    time.sleep(0.2)
`;

async function waitFor<T>(probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('stopping a run from the terminal', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} stops every trial, leaves no process behind and keeps the results valid`, async () => {
      const marker = `tunekit-interrupt-${process.pid}-${signal}`;
      const { dir, cleanup } = scratchDir({
        'worker.py': SLOW_WORKER,
        'slow.tune.yaml': `
trainer:
  command: [python3, worker.py, ${marker}]
  scaling_config: {num_workers: 2, trainer_resources: {CPU: 0}, resources_per_worker: {CPU: 0.5}}
tune_config: {num_samples: 3}
run_config: {name: slow}
`,
      });
      try {
        const journal = join(dir, 'tunekit_results', 'slow', 'events.jsonl');
        let cliPid = 0;
        const running = runCli(['run', join(dir, 'slow.tune.yaml'), '--json'], { onSpawn: (pid) => (cliPid = pid) });
        const pids = await waitFor(() => {
          if (!existsSync(journal)) return undefined;
          const started = readJsonLines(journal).filter((e) => e.type === 'trial_started');
          const results = readJsonLines(journal).length;
          return started.length >= 2 && results ? started.flatMap((e) => e.pids as number[]) : undefined;
        }, 20_000);
        await new Promise((r) => setTimeout(r, 600));
        process.kill(cliPid, signal);
        const run = await running;
        assert.equal(run.code, 130);
        assert.deepEqual(alivePids(pids), []);
        assert.deepEqual(processesMatching(marker), [], 'no worker of this run is left in the process table');
        const summary = JSON.parse(run.stdout);
        assert.equal(summary.status, 'stopped');
        const events = readJsonLines(journal);
        assert.equal(events[events.length - 1].type, 'experiment_finished');
        for (const trial of summary.trials) {
          if (!existsSync(join(trial.path, 'result.json'))) continue;
          const lines = readFileSync(join(trial.path, 'result.json'), 'utf8').split('\n').filter(Boolean);
          for (const line of lines) JSON.parse(line);
        }
      } finally {
        cleanup();
      }
    });
  }
});
