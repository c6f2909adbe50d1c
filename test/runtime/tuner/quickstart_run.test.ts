import assert from 'node:assert/strict';
import { cpSync, existsSync, readdirSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO, readJsonLines, runCli, type CliRun } from '../cli_harness';

describe('the quickstart example, run end to end through the CLI', () => {
  let dir: string;
  let run: CliRun;
  let summary: {
    status: string;
    experiment_path: string;
    best_trial: { trial_id: string; latest_checkpoint: string } | null;
    trials: Array<{ trial_id: string; trial_name: string; status: string; iterations: number; path: string }>;
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tunekit-quickstart-'));
    cpSync(join(REPO, 'examples/quickstart'), dir, { recursive: true, filter: (s) => !s.includes('tunekit_results') });
    run = await runCli(['run', join(dir, 'quickstart.tune.yaml'), '--json'], { timeoutMs: 120_000 });
    summary = JSON.parse(run.stdout);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 0 with every trial terminated and a best trial with a checkpoint', () => {
    assert.equal(run.code, 0, run.stderr);
    assert.equal(summary.status, 'finished');
    assert.equal(summary.trials.length, 8);
    assert.ok(summary.trials.every((t) => t.status === 'TERMINATED' && t.iterations === 12));
    assert.ok(summary.best_trial);
    assert.ok(existsSync(join(summary.best_trial.latest_checkpoint, 'model.json')));
  });

  it('writes Ray’s results layout: experiment.json, the journal and one directory per trial', () => {
    const exp = summary.experiment_path;
    assert.equal(exp, join(dir, 'tunekit_results', 'quickstart'));
    const record = JSON.parse(readFileSync(join(exp, 'experiment.json'), 'utf8'));
    assert.equal(record.name, 'quickstart');
    assert.equal(record.seed, 42);
    const events = readJsonLines(join(exp, 'events.jsonl'));
    assert.equal(events[0].type, 'experiment_started');
    assert.equal(events.filter((e) => e.type === 'trial_created').length, 8);
    assert.equal(events.filter((e) => e.type === 'trial_finished').length, 8);
    assert.equal(events[events.length - 1].type, 'experiment_finished');
    const trialDirs = readdirSync(exp).filter((n) => n.startsWith('TorchTrainer_'));
    assert.equal(trialDirs.length, 8);
    for (const name of trialDirs) assert.match(name, /^TorchTrainer_[0-9a-f]{5}_\d{5}_batch_size=\d+,l2=[^,]+,lr=/);
  });

  it('fills Ray’s auto keys in result.json and flattens them into progress.csv', () => {
    for (const trial of summary.trials) {
      const rows = readJsonLines(join(trial.path, 'result.json'));
      assert.deepEqual(rows.map((r) => r.training_iteration), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
      for (const row of rows) {
        assert.equal(row.trial_id, trial.trial_id);
        assert.equal(typeof row.val_acc, 'number');
        assert.equal(typeof row.time_total_s, 'number');
        assert.equal(typeof row.timestamp, 'number');
        assert.match(String(row.checkpoint_dir_name), /^checkpoint_\d{6}$/);
        assert.ok((row.config as { train_loop_config: { lr: number } }).train_loop_config.lr > 0);
      }
      assert.equal(rows[rows.length - 1].done, true);
      const csv = readFileSync(join(trial.path, 'progress.csv'), 'utf8').trim().split('\n');
      assert.equal(csv.length, 13);
      const header = csv[0].split(',');
      assert.ok(header.includes('val_acc'));
      assert.ok(header.includes('config/train_loop_config/lr'));
      const params = JSON.parse(readFileSync(join(trial.path, 'params.json'), 'utf8'));
      assert.deepEqual(Object.keys(params), ['train_loop_config']);
      assert.ok(existsSync(join(trial.path, 'worker_0.log')));
    }
  });

  it('keeps only the two best checkpoints by val_acc, plus the latest', () => {
    for (const trial of summary.trials) {
      const kept = readdirSync(trial.path).filter((n) => n.startsWith('checkpoint_'));
      assert.ok(kept.length >= 2 && kept.length <= 3, `${trial.trial_name}: ${kept.join(', ')}`);
      assert.ok(kept.includes('checkpoint_000011'), 'the latest checkpoint is always kept');
      assert.ok(!readdirSync(trial.path).some((n) => n.startsWith('.tmp')));
    }
  });
});
