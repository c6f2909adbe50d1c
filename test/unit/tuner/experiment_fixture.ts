/** Experiment directories written by hand, the way a run killed mid-way leaves them. */
import type { TestContext } from 'node:test';
import { appendFileSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JournalEvent } from '../../../protocol/journal';
import type { ExperimentSpec } from '../../../protocol/spec';

export const grant = { trainable: { CPU: 1, gpus: [] }, workers: [{ CPU: 1, gpus: [] }] };

export const spec = {
  file: '/specs/exp.yaml',
  trainer: {
    command: ['python', 'train.py'],
    working_dir: '/work',
    env: {},
    train_loop_config: { epochs: 10, lr: 0.5 },
    scaling_config: { num_workers: 1, use_gpu: false, resources_per_worker: { CPU: 1, GPU: 0 }, trainer_resources: { CPU: 1, GPU: 0 } },
    failure_config: { max_failures: 0, startup_timeout_s: 60, report_timeout_s: 600 },
  },
  param_space: {
    train_loop_config: { lr: { loguniform: [0.0001, 0.1] }, batch: { grid_search: [16, 32] } },
    scaling_config: { num_workers: { grid_search: [1, 2] } },
  },
  tune_config: { num_samples: 1, max_concurrent_trials: 0, seed: 7, scheduler: { type: 'fifo' }, search_alg: { type: 'random' }, admission: 'coordinated' },
  run_config: { name: 'exp', storage_path: '/tmp', stop: {}, failure_config: { max_failures: 0, fail_fast: false }, checkpoint_config: { checkpoint_score_order: 'max' } },
} as unknown as ExperimentSpec;

/** An experiment directory written by hand, the way a run killed mid-way leaves it. */
export class ExperimentFixture {
  readonly path: string;
  private readonly lines: string[] = [];

  constructor(t: TestContext) {
    const root = mkdtempSync(join(tmpdir(), 'tunekit-replay-'));
    t.after(() => rmSync(root, { recursive: true, force: true }));
    this.path = join(root, 'exp');
    mkdirSync(this.path);
    writeFileSync(join(this.path, 'experiment.json'), JSON.stringify({ experiment_id: 'ab12c', name: 'exp', spec, seed: 7, searcher: 'random', scheduler: 'fifo', started_at: 1000 }));
    this.event({ type: 'experiment_started', ts: 1000, experiment_id: 'ab12c', name: 'exp' });
  }

  event(event: JournalEvent): this {
    this.lines.push(JSON.stringify(event));
    writeFileSync(join(this.path, 'events.jsonl'), this.lines.map((l) => `${l}\n`).join(''));
    return this;
  }

  /** Creates trial `index` with lr and batch as its sampled config; returns its id and directory. */
  trial(index: number, config: Record<string, unknown> = { train_loop_config: { lr: 0.01 * (index + 1), batch: 16 }, scaling_config: { num_workers: 1 } }) {
    const id = `ab12c_${String(index).padStart(5, '0')}`;
    const name = `TorchTrainer_${id}_${index}_lr=${index}`;
    const dir = join(this.path, name);
    mkdirSync(dir);
    this.event({ type: 'trial_created', ts: 1001 + index, trial_id: id, trial_name: name, trial_dir_name: name, index, config });
    return { id, name, dir };
  }

  /** result.json rows 1..n; `checkpointAt` names which iterations committed which checkpoint. */
  results(dir: string, n: number, checkpointAt: Record<number, string> = {}, torn = false): Array<Record<string, unknown>> {
    const rows = Array.from({ length: n }, (_, i) => ({
      loss: 1 / (i + 1),
      training_iteration: i + 1,
      time_total_s: 2.5 * (i + 1),
      checkpoint_dir_name: checkpointAt[i + 1] ?? null,
    }));
    writeFileSync(join(dir, 'result.json'), rows.map((r) => `${JSON.stringify(r)}\n`).join('') + (torn ? '{"loss": 0.1, "trai' : ''));
    writeFileSync(join(dir, 'progress.csv'), `loss,training_iteration\n${rows.map((r) => `${r.loss},${r.training_iteration}\n`).join('')}${torn ? '0.1,' : ''}`);
    for (const name of Object.values(checkpointAt)) this.checkpointDir(dir, name);
    return rows;
  }

  checkpointDir(dir: string, name: string): void {
    mkdirSync(join(dir, name), { recursive: true });
    writeFileSync(join(dir, name, 'model.pt'), 'weights');
  }

  tearJournal(): void {
    appendFileSync(join(this.path, 'events.jsonl'), '{"type":"trial_fini');
  }
}

/** Every entry under `root` with its bytes (files) or target (symlinks), to show that nothing changed. */
export function snapshot(root: string): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const stats = lstatSync(path);
      if (stats.isSymbolicLink()) found.set(path, `-> ${readlinkSync(path)}`);
      else if (stats.isDirectory()) {
        found.set(path, 'dir');
        walk(path);
      } else found.set(path, readFileSync(path, 'latin1'));
    }
  };
  walk(root);
  return found;
}
