import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { BenchContext, BenchOutcome } from './bench_context';
import { runBarePool } from './bare_pool';
import { formatRatio, formatSeconds, type BenchRow } from './benchmarks_markdown';
import { reapedChildrenCpuSeconds } from './child_cpu';
import { resultLineCount } from './result_lines';
import { median } from './stats';
import { trialTimeline } from './trial_timeline';
import { runTunekit, writeSpec } from './tunekit_run';

export interface OverheadParams {
  trials: number;
  sleepS: number;
  slots: number;
  /** Bare spawns timed for `s`, half before the run and half after, so drift in load evens out. */
  spawnSamples: number;
}

const WORKER = 'report_once.py';
/** The bare pool runs this many rounds of `slots` workers at most; its wall time is scaled to N. */
const POOL_ROUNDS = 16;

/** The worker's environment outside Tunekit: no report socket, so report() only prints. */
function bareEnv(ctx: BenchContext, sleepS: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONPATH: ctx.tunekit.pythonClientDir, TUNEKIT_CONFIG: JSON.stringify({ sleep_s: sleepS }) };
  delete env.TUNEKIT_REPORT_SOCKET;
  return env;
}

interface BareSpawns {
  seconds: number[];
  cpuS: number | undefined;
}

/** Spawn → exit of the worker outside Tunekit with sleep 0, one at a time. */
async function timeBareSpawns(ctx: BenchContext, count: number): Promise<BareSpawns> {
  const env = bareEnv(ctx, 0);
  const cpuBefore = reapedChildrenCpuSeconds();
  const seconds: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = process.hrtime.bigint();
    const child = spawn(ctx.python, [WORKER], { cwd: ctx.workersDir, env, stdio: 'ignore' });
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', resolve);
    });
    if (code !== 0) throw new Error(`${ctx.python} ${WORKER} exited with code ${code} outside Tunekit`);
    seconds.push(Number(process.hrtime.bigint() - started) / 1e9);
  }
  const cpuAfter = reapedChildrenCpuSeconds();
  return { seconds, cpuS: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore };
}

/** Benchmark 1: N one-report trials that sleep T each, on `slots` CPU slots. */
export async function runOverheadBench(ctx: BenchContext, p: OverheadParams): Promise<BenchOutcome> {
  const specWith = (warmStart: boolean) =>
    writeSpec(ctx.scratch, warmStart ? 'overhead' : 'overhead-cold', {
      trainer: {
        command: ['python3', WORKER],
        working_dir: ctx.workersDir,
        train_loop_config: { sleep_s: p.sleepS },
        scaling_config: { num_workers: 1, resources_per_worker: { CPU: 1 }, trainer_resources: { CPU: 0 } },
        warm_start: warmStart,
      },
      param_space: { train_loop_config: { seed: { randint: [0, 1_000_000] } } },
      tune_config: { num_samples: p.trials },
      run_config: { name: warmStart ? 'overhead' : 'overhead-cold', storage_path: join(ctx.scratch, 'results') },
      resources: { CPU: p.slots },
    });
  const spec = specWith(true);
  const half = Math.ceil(p.spawnSamples / 2);
  ctx.progress(`overhead: timing ${half} bare spawns of ${WORKER}`);
  const before = await timeBareSpawns(ctx, half);
  ctx.progress(`overhead: tunekit run, ${p.trials} trials × ${p.sleepS} s on ${p.slots} slots`);
  const run = await runTunekit(ctx.tunekit.bin, spec, ctx.env);
  const poolRuns = Math.min(p.trials, p.slots * POOL_ROUNDS);
  ctx.progress(`overhead: ${formatSeconds(run.wallS)}; ${poolRuns} of the same workers in a bare pool, ${p.slots} at a time`);
  const poolCpuBefore = reapedChildrenCpuSeconds();
  const poolRunS = await runBarePool({ command: ctx.python, args: [WORKER], cwd: ctx.workersDir, env: bareEnv(ctx, p.sleepS) }, poolRuns, p.slots);
  const poolCpuAfter = reapedChildrenCpuSeconds();
  const poolS = (poolRunS * p.trials) / poolRuns;
  const poolCpu = poolCpuBefore === undefined || poolCpuAfter === undefined ? undefined : (poolCpuAfter - poolCpuBefore) / poolRuns;
  ctx.progress(`overhead: bare pool ${formatSeconds(poolRunS)}; timing ${p.spawnSamples - half} more bare spawns`);
  const after = await timeBareSpawns(ctx, p.spawnSamples - half);
  ctx.progress(`overhead: tunekit run again with warm_start: false`);
  const coldRun = await runTunekit(ctx.tunekit.bin, specWith(false), ctx.env);

  const spawns = [...before.seconds, ...after.seconds];
  const s = median(spawns);
  const spawnBound = (p.trials * (p.sleepS + s)) / p.slots;
  const naive = (p.trials * p.sleepS) / p.slots;
  const bareCpu = before.cpuS === undefined || after.cpuS === undefined ? undefined : (before.cpuS + after.cpuS) / p.spawnSamples;

  const failures: string[] = [];
  const trials = run.summary.trials;
  if (trials.length !== p.trials) failures.push(`overhead: ${trials.length} trials ran, ${p.trials} expected`);
  const unfinished = trials.filter((t) => t.status !== 'TERMINATED' || t.iterations !== 1);
  if (unfinished.length) {
    const e = unfinished[0];
    failures.push(`overhead: ${unfinished.length} trials did not end TERMINATED after one result (e.g. ${e.trial_id}: ${e.status}, ${e.end_reason})`);
  }
  const misPersisted = trials.filter((t) => resultLineCount(t.path) !== 1);
  if (misPersisted.length) failures.push(`overhead: ${misPersisted.length} trials do not have exactly one line in result.json`);
  const timeline = trialTimeline(run.summary.experiment_path, p.slots);

  const rows: BenchRow[] = [
    { what: 'wall of `tunekit run` ÷ spawn-bound limit N×(T+s)/slots', figure: formatSeconds(run.wallS), baseline: formatSeconds(spawnBound), ratio: formatRatio(run.wallS / spawnBound), target: '≤ 1.050×' },
    { what: 'the same with warm_start: false (every worker a fresh interpreter)', figure: formatSeconds(coldRun.wallS), baseline: formatSeconds(spawnBound), ratio: formatRatio(coldRun.wallS / spawnBound), target: '≤ 1.050×' },
    { what: 'wall ÷ naive ideal N×T/slots (ignores spawning)', figure: formatSeconds(run.wallS), baseline: formatSeconds(naive), ratio: formatRatio(run.wallS / naive), target: 'Ray: 1.144×' },
    { what: `wall ÷ a bare process pool running the same worker ${p.slots} at a time (no Tunekit), scaled to N`, figure: formatSeconds(run.wallS), baseline: formatSeconds(poolS), ratio: formatRatio(run.wallS / poolS), target: '-' },
  ];
  if (run.cpuS !== undefined && poolCpu !== undefined) {
    rows.push({ what: 'CPU per trial, whole process tree ÷ CPU per run in the bare pool', figure: formatSeconds(run.cpuS / p.trials), baseline: formatSeconds(poolCpu), ratio: formatRatio(run.cpuS / p.trials / poolCpu), target: '-' });
    if (coldRun.cpuS !== undefined) rows.push({ what: 'the same with warm_start: false', figure: formatSeconds(coldRun.cpuS / p.trials), baseline: formatSeconds(poolCpu), ratio: formatRatio(coldRun.cpuS / p.trials / poolCpu), target: '-' });
  }
  const coldTrials = coldRun.summary.trials;
  if (coldTrials.length !== p.trials || coldTrials.some((t) => t.status !== 'TERMINATED' || t.iterations !== 1)) failures.push('overhead: the warm_start: false run did not end every trial TERMINATED after one result');
  return {
    failures,
    section: {
      title: 'Bookkeeping overhead',
      summary:
        `N = ${p.trials} trials, each one Python worker (\`bench/workers/${WORKER}\`) that calls \`tunekit.report({"x": 1})\` once and sleeps T = ${p.sleepS} s, ` +
        `on ${p.slots} CPU slots (\`resources: {CPU: ${p.slots}}\`, 1 CPU per worker, trainer_resources CPU 0). ` +
        `s = ${formatSeconds(s)} is the median spawn→exit time of the same interpreter and script run bare with sleep 0 ` +
        `(${p.spawnSamples} runs, half before and half after the others, ${formatSeconds(Math.min(...spawns))}–${formatSeconds(Math.max(...spawns))}). ` +
        `The bare pool starts the same worker with sleep T from Node's spawn, ${p.slots} at a time, ${poolRuns} times (${formatSeconds(poolRunS)}), right after the Tunekit run.`,
      rows,
      notes: [
        `${trials.length - unfinished.length} of ${p.trials} trials TERMINATED after exactly one result; ${trials.length - misPersisted.length} have exactly one line in result.json.`,
        `All ${p.slots} slots were first busy ${formatSeconds(timeline.fillS)} after experiment_started; a trial's median trial_started → trial_finished was ${formatSeconds(timeline.medianRunS)} (T + s = ${formatSeconds(p.sleepS + s)}).`,
        ...(run.cpuS !== undefined ? [`The Tunekit run used ${run.cpuS.toFixed(1)} CPU-seconds over ${formatSeconds(run.wallS)} of wall time (${(run.cpuS / run.wallS).toFixed(2)} of ${ctx.cores} cores busy on average).`] : []),
        ...(bareCpu !== undefined ? [`One bare worker run alone (the s runs) costs ${formatSeconds(bareCpu)} of CPU.`] : []),
      ],
    },
  };
}
