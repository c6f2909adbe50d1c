import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { resolveWorkerCommand } from '../../runtime/tuner/worker_command';
import type { BenchContext, BenchOutcome } from './bench_context';
import { carrySections } from './benchmarks_file';
import { renderBenchmarks } from './benchmarks_markdown';
import { runDashboardBench } from './dashboard_render';
import { loadAverageNow, machineFacts } from './machine_facts';
import { runOverheadBench } from './overhead';
import { runPackageBench } from './package_size';
import { runResumeBench } from './resume_time';
import { snapshotRuntime } from './runtime_snapshot';
import { runSlurmBench } from './slurm';
import { runThroughputBench } from './throughput';
import { runQualityBench } from './time_to_quality';
import { runStartupBench } from './worker_startup';
import { runMemoryBench } from './memory';

const FULL = {
  overhead: { trials: 1000, sleepS: 1, slots: 16, spawnSamples: 20 },
  startup: { samples: 10 },
  memory: { trials: 1000, results: 1000, slots: 16 },
  throughput: { workers: 16, reportsEach: 5000, pipeRepeats: 3, echoRepeats: 1 },
  quality: { trials: 16, epochs: 15, reductionFactor: 3, seeds: [0, 1, 2], target: 0.97 },
  resume: { trials: 1000, pending: 10, results: 100, repeats: 5 },
  dashboard: { trials: 1000, points: 200, running: 16, renderRepeats: 5, liveSeconds: 10 },
  package: { windows: 5 },
  slurm: { samples: 5, trials: 100 },
};
const QUICK = {
  overhead: { trials: 64, sleepS: 0.5, slots: 16, spawnSamples: 10 },
  startup: { samples: 5 },
  memory: { trials: 64, results: 200, slots: 16 },
  throughput: { workers: 16, reportsEach: 1000, pipeRepeats: 1, echoRepeats: 1 },
  quality: { trials: 16, epochs: 10, reductionFactor: 3, seeds: [0], target: 0.97 },
  resume: { trials: 200, pending: 10, results: 100, repeats: 2 },
  dashboard: { trials: 1000, points: 200, running: 16, renderRepeats: 2, liveSeconds: 4 },
  package: { windows: 2 },
  slurm: { samples: 2, trials: 20 },
};
const BENCHES = ['overhead', 'startup', 'throughput', 'memory', 'quality', 'resume', 'dashboard', 'package', 'slurm'] as const;
type BenchName = (typeof BENCHES)[number];

const USAGE = `usage: node scripts/bench.mjs [--quick] [--only ${BENCHES.join('|')}]`;

function runBench(name: BenchName, ctx: BenchContext, sizes: typeof FULL): Promise<BenchOutcome> {
  switch (name) {
    case 'overhead':
      return runOverheadBench(ctx, sizes.overhead);
    case 'startup':
      return runStartupBench(ctx, sizes.startup);
    case 'memory':
      return runMemoryBench(ctx, sizes.memory);
    case 'throughput':
      return runThroughputBench(ctx, sizes.throughput);
    case 'quality':
      return runQualityBench(ctx, sizes.quality);
    case 'resume':
      return runResumeBench(ctx, sizes.resume);
    case 'dashboard':
      return runDashboardBench(ctx, sizes.dashboard);
    case 'package':
      return runPackageBench(ctx, sizes.package);
    case 'slurm':
      return runSlurmBench(ctx, sizes.slurm);
  }
}

function parseArgs(argv: string[]): { quick: boolean; only: BenchName[] } {
  let quick = false;
  const only: BenchName[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--quick') quick = true;
    else if (argv[i] === '--only' && (BENCHES as readonly string[]).includes(argv[i + 1])) only.push(argv[++i] as BenchName);
    else throw new Error(`${USAGE}\nunknown argument: ${argv[i]}`);
  }
  return { quick, only: only.length ? only : [...BENCHES] };
}

/**
 * `npm run bench`: runs the runtime benchmarks against the built runtime. A full run
 * rewrites BENCHMARKS.md; --quick (smaller sizes) and --only print to stdout only.
 */
export async function main(argv: string[], root = resolve(__dirname, '../../..')): Promise<number> {
  const args = parseArgs(argv);
  const scratch = mkdtempSync(join(tmpdir(), 'tunekit-bench-'));
  const progress = (line: string) => process.stderr.write(`[bench] ${line}\n`);
  try {
    const python = resolveWorkerCommand(['python3'], root, process.env)[0];
    const ctx: BenchContext = {
      tunekit: snapshotRuntime(root, join(scratch, 'tunekit')),
      python,
      workersDir: join(root, 'bench', 'workers'),
      scratch,
      env: { ...process.env, TUNEKIT_PYTHON: python },
      cores: availableParallelism(),
      progress,
    };
    const machine = machineFacts(python);
    const sizes = args.quick ? QUICK : FULL;
    const outcomes: BenchOutcome[] = [];
    for (const name of args.only) {
      const started = Date.now();
      const loadBefore = loadAverageNow();
      const outcome = await runBench(name, ctx, sizes);
      outcome.section.notes.push(`Load average (1/5/15 min) while this benchmark ran: ${loadBefore} → ${loadAverageNow()}; on ${ctx.cores} cores, anything above ${ctx.cores} means other work competed for the CPU.`);
      outcomes.push(outcome);
      progress(`${name} done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    }
    machine.loadAverageAfter = loadAverageNow();
    const command = 'npm run bench' + (args.quick ? ' -- --quick' : '');
    const text = renderBenchmarks(machine, outcomes.map((o) => o.section), command);
    const failures = outcomes.flatMap((o) => o.failures);
    process.stdout.write(text);
    if (failures.length) {
      process.stderr.write(`\nThe figures above cannot be trusted; BENCHMARKS.md is left as it was:\n${failures.map((f) => `  ${f}`).join('\n')}\n`);
      return 1;
    }
    if (!args.quick && args.only.length === BENCHES.length) {
      const file = join(root, 'BENCHMARKS.md');
      // The Soak section is `npm run soak`'s; a bench run keeps it.
      writeFileSync(file, existsSync(file) ? carrySections(readFileSync(file, 'utf8'), text, ['Soak']) : text);
      progress('wrote BENCHMARKS.md');
    }
    return 0;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
