import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext, BenchOutcome } from './bench_context';
import type { BenchRow } from './benchmarks_markdown';
import { resultLineCount } from './result_lines';
import { runTunekit, writeSpec } from './tunekit_run';

export interface MemoryParams {
  trials: number;
  results: number;
  slots: number;
}

const SAMPLE_MS = 250;
const WORKER = `import tunekit\nn = int(tunekit.get_config()["results"])\nfor i in range(n):\n    tunekit.report({"i": i, "loss": 1.0 / (i + 1)})\n`;

interface Proc {
  pid: number;
  ppid: number;
  rssKb: number;
  cmdline: string;
}

/** Proportional set size: shared pages (Node's own code, shared by every driver) split between their users. */
function pssKb(pid: number): number {
  try {
    return Number(/^Pss:\s*(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

function processTable(): Map<number, Proc> {
  const table = new Map<number, Proc>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      const ppid = Number(/^PPid:\s*(\d+)/m.exec(status)?.[1] ?? 0);
      const rssKb = Number(/^VmRSS:\s*(\d+)/m.exec(status)?.[1] ?? 0);
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      table.set(Number(entry), { pid: Number(entry), ppid, rssKb, cmdline });
    } catch {
      // Gone meanwhile.
    }
  }
  return table;
}

/** RSS of the runtime, its drivers and their warm parents (never the workers), at one moment. */
function sample(root: number): { runtimeKb: number; driversKb: number; treePssKb: number; drivers: number; warmKb: number; warm: number } {
  const table = processTable();
  const runtime = table.get(root);
  let driversKb = 0;
  let treePssKb = pssKb(root);
  let drivers = 0;
  let warmKb = 0;
  let warm = 0;
  for (const p of table.values()) {
    if (p.ppid !== root) continue;
    if (p.cmdline.includes('driver')) {
      driversKb += p.rssKb;
      treePssKb += pssKb(p.pid);
      drivers++;
      for (const c of table.values()) {
        // A warm parent is the driver's child running _warm_parent.py; its own children are workers.
        if (c.ppid === p.pid && c.cmdline.includes('_warm_parent.py')) {
          warmKb += c.rssKb;
          warm++;
        }
      }
    }
  }
  return { runtimeKb: runtime?.rssKb ?? 0, driversKb, treePssKb, drivers, warmKb, warm };
}

const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;

/** Benchmark: peak memory of the runtime and its drivers while `slots` trials report many results. */
export async function runMemoryBench(ctx: BenchContext, p: MemoryParams): Promise<BenchOutcome> {
  const script = join(ctx.scratch, 'memory_worker.py');
  writeFileSync(script, WORKER);
  const spec = writeSpec(ctx.scratch, 'memory', {
    trainer: {
      command: ['python3', script],
      working_dir: ctx.scratch,
      train_loop_config: { results: p.results },
      scaling_config: { num_workers: 1, resources_per_worker: { CPU: 1 }, trainer_resources: { CPU: 0 } },
    },
    param_space: { train_loop_config: { seed: { randint: [0, 1_000_000] } } },
    tune_config: { num_samples: p.trials },
    run_config: { name: 'memory', storage_path: join(ctx.scratch, 'results') },
    resources: { CPU: p.slots },
  });
  ctx.progress(`memory: ${p.trials} trials × ${p.results} results on ${p.slots} slots, sampling RSS every ${SAMPLE_MS} ms`);
  let root = 0;
  const peak = { runtimeKb: 0, treeKb: 0, treePssKb: 0, driversAtPeak: 0, warmKb: 0, warm: 0, driverMaxKb: 0 };
  const timer = setInterval(() => {
    if (!root) return;
    const s = sample(root);
    peak.runtimeKb = Math.max(peak.runtimeKb, s.runtimeKb);
    peak.treePssKb = Math.max(peak.treePssKb, s.treePssKb);
    if (s.runtimeKb + s.driversKb > peak.treeKb) {
      peak.treeKb = s.runtimeKb + s.driversKb;
      peak.driversAtPeak = s.drivers;
    }
    if (s.drivers) peak.driverMaxKb = Math.max(peak.driverMaxKb, s.driversKb / s.drivers);
    if (s.warmKb > peak.warmKb) {
      peak.warmKb = s.warmKb;
      peak.warm = s.warm;
    }
  }, SAMPLE_MS);
  let run;
  try {
    run = await runTunekit(ctx.tunekit.bin, spec, ctx.env, (pid) => (root = pid));
  } finally {
    clearInterval(timer);
  }
  const failures: string[] = [];
  const trials = run.summary.trials;
  const short = trials.filter((t) => t.status !== 'TERMINATED' || resultLineCount(t.path) !== p.results);
  if (trials.length !== p.trials || short.length) failures.push(`memory: ${short.length} of ${trials.length} trials did not end TERMINATED with ${p.results} results`);
  const total = p.trials * p.results;
  const rows: BenchRow[] = [
    { what: 'peak RSS of the runtime (the `tunekit run` process)', figure: mb(peak.runtimeKb), baseline: '-', ratio: '-', target: '≤ 150 MB' },
    { what: `peak RSS of the runtime and its ${peak.driversAtPeak} drivers together, workers and warm parents excluded`, figure: mb(peak.treeKb), baseline: '-', ratio: '-', target: '≤ 400 MB' },
    { what: 'the same as proportional set size (PSS: pages the drivers share, such as Node itself, counted once)', figure: mb(peak.treePssKb), baseline: '-', ratio: '-', target: '≤ 400 MB' },
    { what: 'peak RSS of one driver', figure: mb(peak.driverMaxKb), baseline: '-', ratio: '-', target: '-' },
    { what: `peak RSS of the warm parents together (${peak.warm} of them; their pages are shared with the workers they fork)`, figure: mb(peak.warmKb), baseline: '-', ratio: '-', target: '-' },
  ];
  return {
    failures,
    section: {
      title: 'Memory',
      summary:
        `${p.trials} trials × ${p.results} results (${total.toLocaleString('en-US')} results), ${p.slots} at a time, each one Python worker that reports back to back. ` +
        `RSS from /proc every ${SAMPLE_MS} ms for the \`tunekit run\` process, its Trainer drivers (its children) and their warm parents; the workers themselves are the user's and are not counted.`,
      rows,
      notes: [`The run took ${run.wallS.toFixed(1)} s; ${trials.length - short.length} of ${p.trials} trials ended TERMINATED with every result in result.json.`],
    },
  };
}
