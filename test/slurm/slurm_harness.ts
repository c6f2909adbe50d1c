/**
 * Helpers for the slurm layer: tests run against the real one-host cluster that
 * scripts/test.mjs starts with test/slurm/lab.sh (SLURM_CONF points at it). Without it, the
 * tests skip with the reason.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, readJsonLines, runCli, scratchDir } from '../runtime/cli_harness';

export { REPO, readJsonLines, runCli, scratchDir };

export const SKIP = process.env.SLURM_CONF && existsSync(process.env.SLURM_CONF) ? false : 'no test Slurm cluster (run through: node scripts/test.mjs slurm)';

export const STEPS_PY = join(REPO, 'test', 'slurm', 'fixtures', 'steps.py');

export interface Job {
  id: string;
  name: string;
  state: string;
  reason: string;
  nodes: string;
}

/** Every job the cluster still knows, finished ones included. */
export function squeueAll(): Job[] {
  const out = execFileSync('squeue', ['-h', '-t', 'all', '-o', '%i|%j|%T|%r|%N'], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [id, name, state, reason, nodes] = l.trim().split('|');
      return { id, name, state, reason, nodes };
    });
}

const LIVE = new Set(['PENDING', 'RUNNING', 'CONFIGURING', 'COMPLETING', 'SUSPENDED', 'REQUEUED', 'REQUEUE_HOLD']);

/** Jobs of ours (named tunekit-…) that still hold or wait for resources. */
export function liveTunekitJobs(): Job[] {
  return squeueAll().filter((j) => j.name.startsWith('tunekit-') && LIVE.has(j.state));
}

export async function waitFor<T>(what: string, check: () => T | undefined | false, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Waits until no job of ours is left (COMPLETING included): a test leaves the cluster idle. */
export async function noJobsLeft(timeoutMs = 30_000): Promise<void> {
  await waitFor('our jobs to leave the queue', () => liveTunekitJobs().length === 0, timeoutMs);
}

/** A spec running steps.py as Slurm jobs, with its results in `dir`. */
export function stepsSpec(dir: string, opts: { name: string; extra?: string; config?: string; workers?: number; gpus?: number; backend?: string; samples?: number }): string {
  return `trainer:
  command: [python3, ${STEPS_PY}]
  working_dir: ${dir}
  scaling_config:
    num_workers: ${opts.workers ?? 1}
    use_gpu: ${(opts.gpus ?? 0) > 0}
    resources_per_worker: {CPU: 1, GPU: ${opts.gpus ?? 0}}
    trainer_resources: {CPU: 0}
  failure_config: {startup_timeout_s: 60}
param_space:
  train_loop_config:
${opts.config ?? '    x: {grid_search: [1, 2]}'}
tune_config:
  num_samples: ${opts.samples ?? 1}
  metric: score
  mode: max
backend:
  type: slurm
  poll_interval_s: 0.5
${opts.backend ?? ''}
run_config:
  name: ${opts.name}
  storage_path: ${dir}/results
${opts.extra ?? ''}
`;
}

export function journal(experiment: string): Array<Record<string, unknown>> {
  return readJsonLines(join(experiment, 'events.jsonl'));
}

export function trialDirs(experiment: string): string[] {
  return readdirSync(experiment, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name.startsWith('TorchTrainer_'))
    .map((d) => join(experiment, d.name));
}

export function rows(trialDir: string): Array<Record<string, unknown>> {
  return existsSync(join(trialDir, 'result.json')) ? readJsonLines(join(trialDir, 'result.json')) : [];
}

export function csvRows(trialDir: string): string[] {
  return readFileSync(join(trialDir, 'progress.csv'), 'utf8').trim().split('\n').slice(1);
}

/** The ENV line each rank printed, from the worker logs. */
export function workerEnvs(trialDir: string): Array<Record<string, string | null>> {
  const envs: Array<Record<string, string | null>> = [];
  for (const name of readdirSync(trialDir).filter((n) => /^worker_\d+\.log$/.test(n)).sort()) {
    for (const line of readFileSync(join(trialDir, name), 'utf8').split('\n')) {
      if (line.startsWith('ENV ')) envs.push(JSON.parse(line.slice(4)));
    }
  }
  return envs;
}
