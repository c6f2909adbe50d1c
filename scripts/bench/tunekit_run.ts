import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { reapedChildrenCpuSeconds } from './child_cpu';

/** The parts of `tunekit run --json` the benchmarks check. */
export interface RunSummary {
  status: string;
  reason: string;
  experiment_path: string;
  trials: { trial_id: string; status: string; iterations: number; end_reason: string | null; path: string }[];
}

export interface TimedRun {
  summary: RunSummary;
  /** From spawning `tunekit run` to its exit. */
  wallS: number;
  /** CPU of the whole process tree (CLI, drivers, workers), when the OS tells. */
  cpuS: number | undefined;
}

/** Writes `spec` as `<dir>/<name>.tune.yaml` and returns its path. */
export function writeSpec(dir: string, name: string, spec: Record<string, unknown>): string {
  const file = join(dir, `${name}.tune.yaml`);
  writeFileSync(file, stringify(spec));
  return file;
}

const STDERR_TAIL_BYTES = 4000;

/** Runs `tunekit run SPEC --json` to its end; a failed run is an error carrying its output's tail. */
export function runTunekit(bin: string, specFile: string, env: NodeJS.ProcessEnv, onSpawn?: (pid: number) => void): Promise<TimedRun> {
  const cpuBefore = reapedChildrenCpuSeconds();
  const started = process.hrtime.bigint();
  // The bin itself, as a user's shell runs it: its #! line carries Tunekit's V8 flags.
  const child = spawn(bin, ['run', specFile, '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid !== undefined) onSpawn?.(child.pid);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-STDERR_TAIL_BYTES)));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      const wallS = Number(process.hrtime.bigint() - started) / 1e9;
      const cpuAfter = reapedChildrenCpuSeconds();
      if (code !== 0) {
        reject(new Error(`tunekit run ${specFile} exited with ${signal ?? `code ${code}`}:\n${stderr}`));
        return;
      }
      const cpuS = cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore;
      resolve({ summary: JSON.parse(stdout) as RunSummary, wallS, cpuS });
    });
  });
}
