/**
 * Records the dashboard fixtures from real runs: three small experiments run with the CLI
 * (ASHA early stops and a worker killed once, PBT exploits, Ray-mode GPU waits), then read
 * back the way the runtime and the extension read them, into the messages a dashboard gets.
 *
 *   npm run build && node out/test/browser/record_fixtures.js
 *
 * Needs python3. Rewrites test/browser/fixtures/*.json; paths are made relative to the run.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ExtensionToDashboard } from '../../protocol/dashboard_messages';
import type { MetricPoint } from '../../protocol/runtime_api';
import { DashboardFeed, type FeedSource } from '../../extension/dashboard_feed';
import { readRecordFacts, TimelineReader } from '../../extension/experiment_record_reader';
import { loadBrowsed } from '../../runtime/server/experiment_browse';
import { metricPoint, projectExperiment, projectTrial } from '../../runtime/server/state_projection';
import { runCli } from '../runtime/cli_harness';

/** Loss falls with iterations toward a floor set by how far lr is from 10^-2.5; one worker dies once. */
const WORKER = `
import json, math, os, tempfile, time, tunekit
cfg = tunekit.get_config()
ctx = tunekit.get_context()
start = 0
ck = tunekit.get_checkpoint()
if ck:
    with open(os.path.join(ck, "state.json")) as f:
        start = json.load(f)["iteration"]
floor = abs(math.log10(cfg["lr"]) + 2.5) * 0.3 + (0.05 if cfg.get("optimizer") == "sgd" else 0.0)
for it in range(start + 1, cfg["iterations"] + 1):
    time.sleep(cfg.get("sleep", 0.05))
    loss = floor + 1.0 / it
    metrics = {"loss": loss, "acc": 1.0 / (1.0 + loss)}
    if it % 2 == 0:
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "state.json"), "w") as f:
                json.dump({"iteration": it}, f)
            tunekit.report(metrics, checkpoint=d)
    else:
        tunekit.report(metrics)
    if cfg.get("die_at") == it and os.environ.get("RANK", "0") == "0":
        try:
            os.close(os.open(os.path.join(os.path.dirname(os.environ["TUNEKIT_TRIAL_DIR"]), "died_once"), os.O_CREAT | os.O_EXCL))
            os._exit(1)
        except FileExistsError:
            pass
`;

const SPECS: Record<string, string> = {
  asha: `
trainer:
  command: [python3, worker.py]
  scaling_config: {num_workers: 1, trainer_resources: {CPU: 0}, resources_per_worker: {CPU: 1}}
  train_loop_config: {iterations: 12, die_at: 5}
  failure_config: {max_failures: 2}
param_space:
  train_loop_config:
    lr: {loguniform: [0.0001, 0.1]}
    optimizer: {choice: [adam, sgd]}
tune_config:
  num_samples: 8
  metric: loss
  mode: min
  seed: 11
  max_concurrent_trials: 2
  scheduler: {type: asha, max_t: 12, grace_period: 2, reduction_factor: 2}
resources: {CPU: 2}
run_config:
  name: asha
`,
  pbt: `
trainer:
  command: [python3, worker.py]
  scaling_config: {num_workers: 1, trainer_resources: {CPU: 0}, resources_per_worker: {CPU: 1}}
  train_loop_config: {iterations: 12}
param_space:
  train_loop_config:
    lr: {grid_search: [0.0001, 0.001, 0.003, 0.05]}
tune_config:
  metric: loss
  mode: min
  seed: 3
  max_concurrent_trials: 4
  scheduler:
    type: pbt
    perturbation_interval: 3
    quantile_fraction: 0.25
    resample_probability: 0.0
    hyperparam_mutations:
      train_loop_config:
        lr: [0.0001, 0.001, 0.003, 0.05]
resources: {CPU: 4}
run_config:
  name: pbt
`,
  ray_gpus: `
trainer:
  command: [python3, worker.py]
  scaling_config:
    num_workers: 2
    use_gpu: true
    resources_per_worker: {CPU: 0, GPU: 1}
    trainer_resources: {CPU: 1}
  train_loop_config: {iterations: 6, sleep: 0.2}
param_space:
  train_loop_config:
    lr: {grid_search: [0.001, 0.003, 0.01, 0.03]}
tune_config:
  metric: loss
  mode: min
  admission: ray
resources: {CPU: 4, GPU: 4}
run_config:
  name: ray_gpus
`,
};

/** What the runtime would answer for an experiment read from disk. */
async function recordMessages(experimentPath: string): Promise<ExtensionToDashboard[]> {
  const view = await loadBrowsed(experimentPath);
  const trials = view.trials.map((t) => projectTrial(view, t));
  const summary = projectExperiment(view);
  const source: FeedSource = { experiment: () => summary, trialsOf: () => trials, points: () => [] };
  const feed = new DashboardFeed(experimentPath, source);
  const timeline = await new TimelineReader(experimentPath).read();
  const snapshot = feed.snapshot(await readRecordFacts(experimentPath), timeline, view.endedAt ?? Date.now() / 1000)!;
  const histories = new Map<string, MetricPoint[]>();
  for (const t of trials) {
    const rows = readFileSync(join(t.dir, 'result.json'), 'utf8').split('\n').filter(Boolean);
    histories.set(t.id, rows.map((line) => metricPoint(JSON.parse(line) as Record<string, unknown>)));
  }
  return [snapshot, feed.history(histories, 0)];
}

async function main(): Promise<void> {
  const out = resolve(__dirname, '../../../test/browser/fixtures');
  const scratch = mkdtempSync(join(tmpdir(), 'tunekit-fixtures-'));
  try {
    writeFileSync(join(scratch, 'worker.py'), WORKER);
    for (const [name, spec] of Object.entries(SPECS)) {
      const specPath = join(scratch, `${name}.tune.yaml`);
      writeFileSync(specPath, spec);
      const run = await runCli(['run', specPath, '--json'], { cwd: scratch, timeoutMs: 180_000 });
      if (run.code !== 0) throw new Error(`${name}: tunekit run failed (${run.code})\n${run.stderr}`);
      const experimentPath = (JSON.parse(run.stdout) as { experiment_path: string }).experiment_path;
      const messages = await recordMessages(experimentPath);
      // Absolute scratch paths would differ on every recording.
      const text = JSON.stringify(messages).split(scratch).join('/recorded');
      writeFileSync(join(out, `${name}.json`), text + '\n');
      process.stdout.write(`${name}: ${text.length} bytes\n`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
