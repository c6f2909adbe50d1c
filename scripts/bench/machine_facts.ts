import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg } from 'node:os';
import type { MachineFacts } from './benchmarks_markdown';

/** What BENCHMARKS.md records about the machine a run was measured on. */
export function machineFacts(python: string, now = new Date()): MachineFacts {
  return {
    date: now.toISOString().slice(0, 10),
    nproc: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() || 'unknown',
    node: process.version,
    python: execFileSync(python, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(),
    loadAverage: loadAverageNow(),
  };
}

export function loadAverageNow(): string {
  return loadavg().map((l) => l.toFixed(2)).join(' ');
}
