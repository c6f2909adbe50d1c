// Scenario 5: "Developer: Reload Window" during a run. The runtime daemon outlives the
// window, so after the reload the same experiment is shown live and then finishes.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { until } from '../until.mjs';
import { clickLens, openFile, rowsOf, runCommand, showTunekit, waitForStatus, waitForWorkbench } from '../workbench.mjs';

const SPEC = `# Two trials of about 20 s each: long enough to reload the window in the middle, even on a loaded machine.
trainer:
  command: [python3, worker.py]
  train_loop_config: {iterations: 50, sleep: 0.4}
  scaling_config: {num_workers: 1, resources_per_worker: {CPU: 1}, trainer_resources: {CPU: 0}}
param_space:
  train_loop_config: {x: {grid_search: [1, 2]}}
tune_config: {metric: score, mode: max}
run_config: {name: reload}
`;
const WORKER = `import time, tunekit
cfg = tunekit.get_config()
for it in range(1, cfg["iterations"] + 1):
    time.sleep(cfg["sleep"])
    tunekit.report({"score": it * cfg["x"]})
`;

async function experimentRow(page) {
  return (await rowsOf(page, 'Experiments')).find((r) => r.level === 1 && r.label === 'reload');
}

export default {
  name: 'reload-window',
  title: 'after reloading the window during a run, the same experiment is shown live and finishes',
  timeoutMs: 120_000,
  prepare(s) {
    mkdirSync(join(s.workspace, 'reload'));
    writeFileSync(join(s.workspace, 'reload', 'slow.tune.yaml'), SPEC);
    writeFileSync(join(s.workspace, 'reload', 'worker.py'), WORKER);
  },
  async run(s) {
    const { page } = s;
    await showTunekit(page);
    await waitForStatus(page, /^Tunekit: idle$/);
    await openFile(page, 'reload/slow.tune.yaml');
    await clickLens(page, '▶ Run');
    const before = await until('the experiment to run with reports coming in', async () => {
      const row = await experimentRow(page);
      const trials = (await rowsOf(page, 'Experiments')).filter((r) => r.level === 2 && r.icon === 'sync' && / · score \d+/.test(r.description));
      return row?.icon === 'sync' && trials.length ? row : undefined;
    }, 30_000, () => rowsOf(page, 'Experiments'));
    const path = before.aria.split('\n')[1];
    await s.shot('before-reload');

    s.step('Developer: Reload Window');
    const reloaded = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame(), timeout: 30_000 });
    await runCommand(page, 'Developer: Reload Window');
    await reloaded;
    await waitForWorkbench(page);
    await showTunekit(page);

    const after = await until('the same experiment, live, after the reload', async () => {
      const row = await experimentRow(page);
      return row?.icon === 'sync' ? row : undefined;
    }, 30_000, () => rowsOf(page, 'Experiments'));
    assert.equal(after.aria.split('\n')[1], path, 'the same results folder');
    const status = await waitForStatus(page, /^Tunekit: \d+ running/);
    s.step(`after the reload: ${after.label} ${after.description}; status bar "${status}"`);
    await s.shot('after-reload-live');
    assert.match(s.extensionLog(), /attached to the running runtime/, 'the reloaded window attached to the runtime that kept the run going');

    await until('the experiment to finish', async () => {
      const rows = await rowsOf(page, 'Experiments');
      const trials = rows.filter((r) => r.level === 2);
      return (await experimentRow(page))?.icon === 'pass' && trials.length === 2 && trials.every((t) => t.icon === 'pass');
    }, 60_000, () => rowsOf(page, 'Experiments'));
    await waitForStatus(page, /^Tunekit: idle$/);
    assert.equal((await rowsOf(page, 'Experiments')).filter((r) => r.level === 1).length, 1, 'one experiment, not a second run');
    await s.shot('finished-after-reload');
  },
};
