// Scenario 3: a worker killed in the middle of a trial (by the pid the journal recorded) is
// restored from its last checkpoint (failure_config.max_failures: 1), and the tree shows the
// restore under the trial.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { curveMarkers, dashboardStep } from '../dashboard.mjs';
import { until } from '../until.mjs';
import { clickLens, expand, openFile, rowsOf, showTunekit, treeRow, waitForStatus } from '../workbench.mjs';

const SPEC = `# One trial that checkpoints every iteration; one worker failure is allowed and restored from.
trainer:
  command: [python3, worker.py]
  train_loop_config: {iterations: 16, sleep: 0.4}
  scaling_config: {num_workers: 1, resources_per_worker: {CPU: 1}, trainer_resources: {CPU: 0}}
  failure_config: {max_failures: 1}
tune_config: {metric: loss, mode: min}
run_config: {name: restore}
`;

const WORKER = `import json, os, tempfile, time, tunekit
cfg = tunekit.get_config()
start = 0
ck = tunekit.get_checkpoint()
if ck:
    with open(os.path.join(ck, "state.json")) as f:
        start = json.load(f)["it"]
for it in range(start + 1, cfg["iterations"] + 1):
    time.sleep(cfg["sleep"])
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "state.json"), "w") as f:
            json.dump({"it": it}, f)
        tunekit.report({"it": it, "loss": 1.0 / it}, checkpoint=d)
`;

function journal(experimentDir) {
  const file = join(experimentDir, 'events.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .flatMap((line) => {
      try {
        return [JSON.parse(line)];
      } catch {
        return []; // a line being written
      }
    });
}

export default {
  name: 'worker-restore',
  title: 'a worker killed mid-trial is restored and the tree shows the restore under the trial',
  timeoutMs: 120_000,
  prepare(s) {
    mkdirSync(join(s.workspace, 'faults'));
    writeFileSync(join(s.workspace, 'faults', 'restore.tune.yaml'), SPEC);
    writeFileSync(join(s.workspace, 'faults', 'worker.py'), WORKER);
  },
  async run(s) {
    const { page } = s;
    const experimentDir = join(s.workspace, 'faults', 'tunekit_results', 'restore');
    await showTunekit(page);
    await waitForStatus(page, /^Tunekit: idle$/);
    await openFile(page, 'faults/restore.tune.yaml');
    await clickLens(page, '▶ Run');

    const started = await until('the trial to checkpoint twice', () => {
      const events = journal(experimentDir);
      const start = events.find((e) => e.type === 'trial_started');
      return start && events.filter((e) => e.type === 'checkpoint_committed').length >= 2 ? start : undefined;
    }, 40_000, () => journal(experimentDir).map((e) => e.type));
    const [pid] = started.pids;
    s.step(`kill worker ${pid} of trial ${started.trial_id} (SIGKILL)`);
    process.kill(pid, 'SIGKILL');

    const restored = await until('the journal to record the restore', () => journal(experimentDir).find((e) => e.type === 'trial_restored'), 30_000);
    assert.equal(restored.after_failure, true, 'the restore follows the failure');
    await showTunekit(page);
    const trial = treeRow(page, 'Experiments', started.trial_id);
    await expand(trial);
    const events = treeRow(page, 'Experiments', 'Events');
    await until('an Events section under the trial', () => events.count(), 20_000, () => rowsOf(page, 'Experiments'));
    await expand(events);
    const row = await until('the restore event in the tree', async () => (await rowsOf(page, 'Experiments')).find((r) => /^restored at iteration \d+$/.test(r.label)), 20_000, () =>
      rowsOf(page, 'Experiments'),
    );
    s.step(`the tree shows "${row.label}" (${row.description})`);
    assert.equal(row.icon, 'debug-restart', 'a restore after a failure has the restart icon');
    const from = journal(experimentDir).find((e) => e.type === 'checkpoint_committed' && (restored.from_checkpoint === e.checkpoint_dir_name || restored.from_checkpoint?.endsWith(`/${e.checkpoint_dir_name}`)));
    assert.ok(from, `the restore names a committed checkpoint (${restored.from_checkpoint})`);
    assert.equal(row.label, `restored at iteration ${from.iteration}`, 'the tree names the iteration of the checkpoint it restored');
    await s.shot('restore-event-in-tree');

    await dashboardStep(s, 'restore', 'the learning curve shows the restore marker', async (frame) => {
      const markers = await until('a restore marker on the curve', async () => {
        const found = await curveMarkers(frame, 'restore');
        return found.length ? found : undefined;
      }, 20_000);
      s.step(`restore marker: ${JSON.stringify(markers[0])}`);
      assert.equal(markers.length, 1, 'one restore, one marker');
      await s.shot('dashboard-restore-marker');
    });
    await until('the trial to finish after its restore', () => journal(experimentDir).find((e) => e.type === 'trial_finished'), 60_000);
    const finished = journal(experimentDir).find((e) => e.type === 'trial_finished');
    assert.equal(finished.status, 'TERMINATED', `the restored trial finished well: ${JSON.stringify(finished)}`);
    await waitForStatus(page, /^Tunekit: idle$/, 30_000);
  },
};
