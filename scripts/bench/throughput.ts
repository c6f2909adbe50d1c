import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext, BenchOutcome } from './bench_context';
import { formatRate, formatRatio, formatSeconds, type BenchRow } from './benchmarks_markdown';
import { measurePipeIngest } from './pipe_ingest';
import { resultLineCount } from './result_lines';
import { measureSocketEcho, type WorkerTiming } from './socket_echo';
import { median, percentile } from './stats';
import { runTunekit, writeSpec } from './tunekit_run';

export interface ThroughputParams {
  workers: number;
  reportsEach: number;
  /** Baseline repeats; the median rate is used. */
  pipeRepeats: number;
  echoRepeats: number;
}

const WORKER = 'report_fast.py';

/** From the first worker's first report to the last worker's last ack. */
function windowSeconds(timings: WorkerTiming[]): number {
  return Math.max(...timings.map((t) => t.end)) - Math.min(...timings.map((t) => t.start));
}

function latencies(timings: WorkerTiming[]): number[] {
  return timings.flatMap((t) => t.latencies_us).map((us) => us / 1e6);
}

async function baselines(ctx: BenchContext, p: ThroughputParams) {
  const pipeRates: number[] = [];
  const echoRuns: WorkerTiming[][] = [];
  for (let i = 0; i < p.pipeRepeats; i++) {
    const ingest = await measurePipeIngest(ctx.python, ctx.workersDir, p.workers, p.reportsEach);
    pipeRates.push(ingest.lines / ingest.seconds);
  }
  for (let i = 0; i < p.echoRepeats; i++) echoRuns.push(await measureSocketEcho(ctx.python, ctx.workersDir, ctx.scratch, p.workers, p.reportsEach));
  const total = p.workers * p.reportsEach;
  const byRate = echoRuns.map((run) => ({ run, rate: total / windowSeconds(run) })).sort((a, b) => a.rate - b.rate);
  const middle = byRate[byRate.length >> 1];
  return { pipeRate: median(pipeRates), echoRate: middle.rate, echoLatencies: latencies(middle.run) };
}

/** Benchmark 2: every worker reports back to back; all results must be persisted. */
export async function runThroughputBench(ctx: BenchContext, p: ThroughputParams): Promise<BenchOutcome> {
  const total = p.workers * p.reportsEach;
  ctx.progress('throughput: baselines (pipe ingest, socket round trips)');
  const base = await baselines(ctx, p);
  ctx.progress(`throughput: pipe ${formatRate(base.pipeRate, 'lines')}, echo ${formatRate(base.echoRate, 'round trips')}; tunekit run, ${p.workers} workers × ${p.reportsEach} reports`);

  const barrier = join(ctx.scratch, 'barrier');
  mkdirSync(barrier, { recursive: true });
  const spec = writeSpec(ctx.scratch, 'throughput', {
    trainer: {
      command: ['python3', WORKER],
      working_dir: ctx.workersDir,
      train_loop_config: { count: p.reportsEach, barrier_dir: barrier, parties: p.workers },
      scaling_config: { num_workers: 1, resources_per_worker: { CPU: 1 }, trainer_resources: { CPU: 0 } },
    },
    tune_config: { num_samples: p.workers },
    run_config: { name: 'throughput', storage_path: join(ctx.scratch, 'results') },
    resources: { CPU: p.workers },
  });
  const run = await runTunekit(ctx.tunekit.bin, spec, ctx.env);
  const trials = run.summary.trials;

  const failures: string[] = [];
  if (trials.length !== p.workers) failures.push(`throughput: ${trials.length} trials ran, ${p.workers} expected`);
  const failed = trials.filter((t) => t.status !== 'TERMINATED');
  if (failed.length) failures.push(`throughput: ${failed.length} trials did not end TERMINATED (e.g. ${failed[0].trial_id}: ${failed[0].end_reason})`);
  const persisted = trials.reduce((sum, t) => sum + resultLineCount(t.path), 0);
  const counted = trials.reduce((sum, t) => sum + t.iterations, 0);
  if (persisted !== total || counted !== total) failures.push(`throughput: ${total} reports sent, ${counted} counted by the Tuner, ${persisted} lines in result.json files`);
  const section = { title: 'Result throughput', summary: '', rows: [] as BenchRow[], notes: [] as string[] };
  if (failures.length) return { failures, section };

  const timings = trials.map((t) => JSON.parse(readFileSync(join(t.path, 'bench_timing.json'), 'utf8')) as WorkerTiming);
  const windowS = windowSeconds(timings);
  const rate = total / windowS;
  const own = latencies(timings);
  const p50 = median(own);
  const p99 = percentile(own, 99);
  const echo50 = median(base.echoLatencies);
  const echo99 = percentile(base.echoLatencies, 99);
  section.rows = [
    { what: 'results/s, every one persisted ÷ raw pipe ingest lines/s', figure: formatRate(rate, 'results'), baseline: formatRate(base.pipeRate, 'lines'), ratio: formatRatio(rate / base.pipeRate), target: '≥ 50,000 results/s (Ray: ~4,800/s on 96 CPUs, without logging)' },
    { what: 'results/s ÷ bare socket round trips/s (same clients, one Node echo server)', figure: formatRate(rate, 'results'), baseline: formatRate(base.echoRate, 'round trips'), ratio: formatRatio(rate / base.echoRate), target: '≥ 0.5× (issue 16)' },
    { what: 'results/s over the whole `tunekit run` (start-up and shutdown included)', figure: formatRate(total / run.wallS, 'results'), baseline: formatRate(rate, 'results'), ratio: formatRatio(total / run.wallS / rate), target: '-' },
    { what: 'report round trip in the worker, median ÷ bare socket median', figure: formatSeconds(p50), baseline: formatSeconds(echo50), ratio: formatRatio(p50 / echo50), target: '-' },
    { what: 'report round trip in the worker, p99 ÷ bare socket p99', figure: formatSeconds(p99), baseline: formatSeconds(echo99), ratio: formatRatio(p99 / echo99), target: '≤ 3× (issue 16)' },
  ];
  section.summary =
    `${p.workers} workers (one trial each, ${p.workers} CPU slots) call \`tunekit.report()\` ${p.reportsEach} times back to back (\`bench/workers/${WORKER}\`), each call waiting for its ack; ` +
    `timed from a barrier all workers pass together to the last ack (${formatSeconds(windowS)}). ` +
    `Baselines: ${p.workers} Python children writing the same report lines to stdout as fast as they can, read by one Node process with readline (median of ${p.pipeRepeats}, from the go signal to the last line); ` +
    `and ${p.workers} Python children sending them over a Unix socket to one Node process that parses each and answers an ack, nothing relayed or persisted (median of ${p.echoRepeats}).`;
  section.notes = [
    `${persisted} of ${total} reports are lines in result.json (progress.csv is written alongside).`,
    ...(run.cpuS !== undefined ? [`The run used ${run.cpuS.toFixed(1)} CPU-seconds over ${formatSeconds(run.wallS)} of wall time, ${((run.cpuS / total) * 1e6).toFixed(0)} µs of CPU per result (start-up included).`] : []),
  ];
  return { failures, section };
}
