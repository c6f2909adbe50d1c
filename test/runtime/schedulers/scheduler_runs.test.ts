import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readJsonLines, runCli, scratchDir } from '../cli_harness';

/** Reports `score` growing with iteration toward its `quality` (or `lr`), checkpointing every step. */
const WORKER = `
import json, os, tempfile, time, tunekit
cfg = tunekit.get_config()
quality = cfg.get("quality", cfg.get("lr"))
start = 0
ck = tunekit.get_checkpoint()
if ck:
    with open(os.path.join(ck, "state.json")) as f:
        start = json.load(f)["iteration"]
    print("resumed from iteration %d" % start, flush=True)
for it in range(start + 1, cfg["iterations"] + 1):
    time.sleep(cfg.get("sleep", 0.01))
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "state.json"), "w") as f:
            json.dump({"iteration": it}, f)
        tunekit.report({"score": quality * (1 - 0.5 ** it), "it": it}, checkpoint=d)
`;

interface Summary {
  experiment_path: string;
  trials: Array<{ trial_id: string; status: string; iterations: number; end_reason: string | null; path: string; config: { train_loop_config: Record<string, number> } }>;
}

async function runSpec(spec: string): Promise<{ summary: Summary; events: Array<Record<string, unknown>>; cleanup: () => void }> {
  const { dir, cleanup } = scratchDir({ 'worker.py': WORKER, 'exp.tune.yaml': spec });
  const run = await runCli(['run', join(dir, 'exp.tune.yaml'), '--json'], { timeoutMs: 90_000 });
  assert.equal(run.code, 0, run.stderr);
  const summary = JSON.parse(run.stdout) as Summary;
  return { summary, events: readJsonLines(join(summary.experiment_path, 'events.jsonl')), cleanup };
}

/** The trainer part of the spec; `loop` is its train_loop_config. */
const trainer = (loop: string) => `
trainer:
  command: [python3, worker.py]
  scaling_config: {trainer_resources: {CPU: 0}, resources_per_worker: {CPU: 1}}
  train_loop_config: ${loop}
`;

describe('schedulers running real trials', () => {
  it('ASHA stops weak trials at a rung and lets the best run to max_t', async () => {
    // Best first, one at a time: every later trial meets rungs already set by better ones.
    const { summary, events, cleanup } = await runSpec(`${trainer('{iterations: 16}')}
param_space:
  train_loop_config: {quality: {grid_search: [0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1]}}
tune_config:
  metric: score
  mode: max
  max_concurrent_trials: 1
  scheduler: {type: asha, max_t: 16, grace_period: 1, reduction_factor: 2}
resources: {CPU: 2}
`);
    try {
      const byQuality = new Map(summary.trials.map((t) => [t.config.train_loop_config.quality, t]));
      const best = byQuality.get(0.8)!;
      assert.equal(best.status, 'TERMINATED');
      assert.equal(best.iterations, 16, 'the best trial reaches max_t');
      const stopped = summary.trials.filter((t) => /stopped by ASHA at rung/.test(t.end_reason ?? ''));
      assert.ok(stopped.length >= 3, `ASHA stopped ${stopped.length} trials: ${summary.trials.map((t) => t.end_reason).join(' | ')}`);
      for (const t of stopped) {
        assert.ok(t.iterations < 16);
        assert.equal(readJsonLines(join(t.path, 'result.json')).length, t.iterations, 'no result after the stop');
      }
      const decisions = events.filter((e) => e.type === 'scheduler_decision' && e.kind === 'stop' && /at rung/.test(String(e.reason)));
      assert.equal(decisions.length, stopped.length, 'every early stop is journaled');
    } finally {
      cleanup();
    }
  });

  it('ASHA with promotion pauses trials at rungs, frees their slots and resumes the best from their checkpoints', async () => {
    const { summary, events, cleanup } = await runSpec(`${trainer('{iterations: 8}')}
param_space:
  train_loop_config: {quality: {grid_search: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]}}
tune_config:
  metric: score
  mode: max
  max_concurrent_trials: 2
  scheduler: {type: asha_promote, max_t: 8, grace_period: 2, reduction_factor: 2}
resources: {CPU: 2}
`);
    try {
      const paused = events.filter((e) => e.type === 'trial_paused');
      const restored = events.filter((e) => e.type === 'trial_restored' && e.after_failure === false);
      assert.ok(paused.length >= 4, `${paused.length} pauses`);
      assert.ok(restored.length >= 1, 'at least one promotion');
      const best = summary.trials.find((t) => t.config.train_loop_config.quality === 0.8)!;
      assert.equal(best.iterations, 8);
      const rows = readJsonLines(join(best.path, 'result.json'));
      assert.deepEqual(rows.map((r) => r.training_iteration), [1, 2, 3, 4, 5, 6, 7, 8], 'iterations continue across promotions, none repeated');
      assert.deepEqual(rows.map((r) => r.it), [1, 2, 3, 4, 5, 6, 7, 8], 'the worker resumed from its own checkpoint');
      assert.match(readFileSync(join(best.path, 'worker_0.log'), 'utf8'), /resumed from iteration 2/);
      assert.ok(summary.trials.every((t) => t.status === 'TERMINATED'));
    } finally {
      cleanup();
    }
  });

  it('PBT clones a top trial’s checkpoint into a bottom trial, which continues the donor’s iteration count', async () => {
    const { summary, events, cleanup } = await runSpec(`${trainer('{iterations: 12, sleep: 0.05}')}
param_space:
  train_loop_config: {lr: {grid_search: [0.1, 0.2, 0.9, 1.0]}}
tune_config:
  metric: score
  mode: max
  max_concurrent_trials: 4
  seed: 3
  scheduler:
    type: pbt
    time_attr: training_iteration
    perturbation_interval: 3
    quantile_fraction: 0.25
    resample_probability: 0.0
    hyperparam_mutations:
      train_loop_config:
        lr: [0.1, 0.2, 0.9, 1.0]
resources: {CPU: 4}
`);
    try {
      const exploits = events.filter((e) => e.type === 'pbt_exploit');
      assert.ok(exploits.length >= 1, 'at least one exploit');
      const log = readJsonLines(join(summary.experiment_path, 'pbt_policy_log.jsonl'));
      assert.equal(log.length, exploits.length);
      const first = exploits[0];
      const trial = summary.trials.find((t) => t.trial_id === first.trial_id)!;
      const rows = readJsonLines(join(trial.path, 'result.json'));
      // The exploit came after the trial's `iteration`-th result; the next row continues the donor's count.
      const next = rows[first.iteration as number];
      assert.ok(next, 'the exploited trial reported again');
      assert.equal(next.training_iteration, (first.donor_iteration as number) + 1);
      assert.equal(next.it, (first.donor_iteration as number) + 1, 'the worker resumed from the donor’s checkpoint');
      assert.match(String(first.cloned_as), /^checkpoint_\d{6}$/);
      assert.ok(summary.trials.every((t) => t.status === 'TERMINATED'));
    } finally {
      cleanup();
    }
  });

  it('PBT samples a mutated key that param_space lacks when the trial is added, and the worker trains with it', async () => {
    const { summary, events, cleanup } = await runSpec(`
trainer:
  command: [python3, -c, "import tunekit; c = tunekit.get_config(); tunekit.report({'score': c['lr'], 'momentum': c['momentum']})"]
  scaling_config: {trainer_resources: {CPU: 0}, resources_per_worker: {CPU: 1}}
param_space:
  train_loop_config: {lr: {grid_search: [0.1, 0.2]}}
tune_config:
  metric: score
  mode: max
  scheduler:
    type: pbt
    hyperparam_mutations: {train_loop_config: {lr: [0.1, 0.2], momentum: [0.8, 0.9]}}
resources: {CPU: 2}
`);
    try {
      const created = events.filter((e) => e.type === 'trial_created');
      assert.equal(created.length, 2);
      for (const event of created) {
        const config = (event.config as { train_loop_config: { momentum?: number } }).train_loop_config;
        assert.ok([0.8, 0.9].includes(config.momentum!), JSON.stringify(event.config));
        const trial = summary.trials.find((t) => t.trial_id === event.trial_id)!;
        const [row] = readJsonLines(join(trial.path, 'result.json'));
        assert.equal(row.momentum, config.momentum, 'the worker got the sampled value');
      }
    } finally {
      cleanup();
    }
  });

  it('PBT on a metric no result carries fails the experiment with the reason, as Ray does, instead of never exploiting', async () => {
    const { dir, cleanup } = scratchDir({
      'worker.py': WORKER,
      'exp.tune.yaml': `${trainer('{iterations: 30, sleep: 0.05}')}
param_space:
  train_loop_config: {lr: {grid_search: [0.1, 0.2]}}
tune_config:
  metric: accuracy
  mode: max
  scheduler:
    type: pbt
    time_attr: training_iteration
    perturbation_interval: 2
    hyperparam_mutations: {train_loop_config: {lr: [0.1, 0.2]}}
resources: {CPU: 2}
`,
    });
    try {
      const run = await runCli(['run', join(dir, 'exp.tune.yaml'), '--json'], { timeoutMs: 90_000 });
      assert.equal(run.code, 1, run.stderr);
      const summary = JSON.parse(run.stdout) as Summary & { status: string; reason: string };
      assert.equal(summary.status, 'failed');
      assert.match(summary.reason, /^pbt: a result of \S+ has no numeric "accuracy", which PBT needs to rank trials; report it, or set require_attrs: false/);
      assert.ok(summary.trials.every((t) => t.iterations < 30), 'the run ended at the first such result, not after training');
    } finally {
      cleanup();
    }
  });
});
