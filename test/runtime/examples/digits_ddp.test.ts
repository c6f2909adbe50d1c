import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { runProcess, type CliRun } from '../cli_harness';

const repoRoot = resolve(__dirname, '../../../..');
const exampleDir = join(repoRoot, 'examples/digits-ddp');
const pythonClient = join(repoRoot, 'runtime/clients/python');
// Debian's torch and sklearn are importable by the system interpreter only.
const PYTHON = '/usr/bin/python3';

interface TrialSummary {
  trial_id: string;
  status: string;
  config: { train_loop_config: Record<string, number>; scaling_config?: { num_workers?: number } };
  last_result: Record<string, number> | null;
  latest_checkpoint: string | null;
  path: string;
}

interface ResultRow {
  epoch: number;
  val_acc: number;
  val_loss: number;
  world_size: number;
  checkpoint_dir_name: string | null;
}

interface RunSummary {
  status: string;
  best_trial: TrialSummary | null;
  trials: TrialSummary[];
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<CliRun> {
  return runProcess(file, args, { env, cwd, timeoutMs: 180_000 });
}

function torchMissing(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import torch, sklearn'], { encoding: 'utf8' });
  if (probe.status === 0) return undefined;
  return `${PYTHON} cannot import torch and sklearn (install python3-torch python3-sklearn): ${(probe.stderr || probe.error?.message || '').trim().split('\n').pop()}`;
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

function resultRows(trialDir: string): ResultRow[] {
  return readFileSync(join(trialDir, 'result.json'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

function workersOf(trial: TrialSummary): number {
  return trial.config.scaling_config?.num_workers ?? 1;
}

/** Loads each checkpoint with the example's own model code and scores it on the validation split. */
const SCORE_CHECKPOINTS = `
import json, sys, torch, train
out = []
for item in json.loads(sys.argv[1]):
    state = torch.load(item["checkpoint"] + "/" + train.CHECKPOINT_FILE)
    model = train.build_model(item["hidden"])
    model.load_state_dict(state["model"])
    optimizer = torch.optim.Adam(model.parameters())
    optimizer.load_state_dict(state["optimizer"])
    val_loss, val_acc = train.evaluate(model, train.load_split()[1])
    out.append({"epoch": state["epoch"], "val_acc": val_acc, "val_loss": val_loss, "adam_steps": len(optimizer.state)})
print(json.dumps(out))
`;

test('the digits DDP example tunes 1- and 2-worker PyTorch trials end to end on CPU', { timeout: 240_000 }, async (t) => {
  const missing = torchMissing();
  if (missing) {
    t.skip(missing);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'tunekit-digits-'));
  try {
    cpSync(exampleDir, dir, { recursive: true, filter: (src) => !src.includes('tunekit_results') });
    const env = { ...process.env, TUNEKIT_PYTHON: PYTHON };
    const cli = await run(process.execPath, [join(repoRoot, 'bin/tunekit.js'), 'run', join(dir, 'digits.tune.yaml'), '--json'], env, repoRoot);
    assert.equal(cli.code, 0, cli.stderr);
    const summary = JSON.parse(cli.stdout) as RunSummary;

    await t.test('every trial ends TERMINATED after 10 epochs', () => {
      assert.equal(summary.status, 'finished');
      assert.equal(summary.trials.length, 6);
      for (const trial of summary.trials) {
        assert.equal(trial.status, 'TERMINATED', `trial ${trial.trial_id}`);
        assert.deepEqual(resultRows(trial.path).map((r) => r.epoch), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      }
    });

    await t.test('a trial with 2 workers trains in a gloo group of world size 2', () => {
      const sizes = summary.trials.map(workersOf).sort();
      assert.deepEqual(sizes, [1, 1, 1, 2, 2, 2]);
      for (const trial of summary.trials) {
        const n = workersOf(trial);
        assert.equal(trial.last_result?.world_size, n, `trial ${trial.trial_id} reported its world size`);
        for (let rank = 0; rank < n; rank++) {
          const log = readFileSync(join(trial.path, `worker_${rank}.log`), 'utf8');
          assert.match(log, new RegExp(`^rank ${rank} of ${n} joined the gloo group$`, 'm'));
        }
        assert.equal(existsSync(join(trial.path, `worker_${n}.log`)), false, `trial ${trial.trial_id} started an extra worker`);
      }
    });

    await t.test('the best trial reaches a validation accuracy of at least 0.9', () => {
      const best = summary.best_trial;
      assert.ok(best?.last_result);
      assert.ok(best.last_result.val_acc >= 0.9, `best val_acc ${best.last_result.val_acc}`);
      const bestAcc = Math.max(...summary.trials.map((tr) => tr.last_result?.val_acc ?? 0));
      assert.equal(best.last_result.val_acc, bestAcc);
    });

    await t.test('each kept checkpoint loads into the model and reproduces the accuracy reported with it', async () => {
      const items = summary.trials.map((trial) => {
        assert.ok(trial.latest_checkpoint, `trial ${trial.trial_id} has a checkpoint`);
        return { checkpoint: trial.latest_checkpoint, hidden: trial.config.train_loop_config.hidden };
      });
      const scored = await run(PYTHON, ['-c', SCORE_CHECKPOINTS, JSON.stringify(items)], { ...env, PYTHONPATH: pythonClient }, dir);
      assert.equal(scored.code, 0, scored.stderr);
      const scores = JSON.parse(scored.stdout) as { epoch: number; val_acc: number; val_loss: number; adam_steps: number }[];
      summary.trials.forEach((trial, i) => {
        const reported = resultRows(trial.path).find((r) => r.epoch === scores[i].epoch);
        assert.ok(reported, `trial ${trial.trial_id} reported epoch ${scores[i].epoch}`);
        assert.ok(Math.abs(scores[i].val_acc - reported.val_acc) < 1e-9, `trial ${trial.trial_id}: ${scores[i].val_acc} vs ${reported.val_acc}`);
        assert.ok(Math.abs(scores[i].val_loss - reported.val_loss) < 1e-4);
        assert.ok(scores[i].adam_steps > 0, 'the optimizer state was saved with the model');
      });
    });

    await t.test('a worker given a checkpoint resumes from the epoch after it', async () => {
      const best = summary.best_trial!;
      const rows = resultRows(best.path);
      const saved = rows.find((r) => r.checkpoint_dir_name === basename(best.latest_checkpoint!));
      assert.ok(saved, 'the latest checkpoint was reported with a result');
      const savedEpoch = saved.epoch;
      const config = { ...best.config.train_loop_config, epochs: savedEpoch + 3 };
      const workerEnv: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        PYTHONPATH: pythonClient,
        RANK: '0',
        LOCAL_RANK: '0',
        WORLD_SIZE: '1',
        MASTER_ADDR: '127.0.0.1',
        MASTER_PORT: String(await freePort()),
        TUNEKIT_CONFIG: JSON.stringify(config),
        TUNEKIT_CHECKPOINT: best.latest_checkpoint!,
      };
      const resumed = await run(PYTHON, ['train.py'], workerEnv, dir);
      assert.equal(resumed.code, 0, resumed.stderr);
      // Outside a trial, tunekit.report prints each result as "[tunekit] report {json}".
      const epochs = resumed.stdout
        .split('\n')
        .filter((l) => l.startsWith('[tunekit] report '))
        .map((l) => JSON.parse(l.slice('[tunekit] report '.length).split(' checkpoint=')[0]).epoch);
      assert.deepEqual(epochs, [savedEpoch + 1, savedEpoch + 2]);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
