import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BenchContext, BenchOutcome } from './bench_context';
import { formatRatio, formatSeconds, type BenchRow } from './benchmarks_markdown';
import { pythonWithModules } from './python_with_modules';
import { DIGITS_SPACE, METRIC, OPTUNA_LABEL, TUNEKIT_METHODS, tunekitSpec, type QualityBudget } from './quality_methods';
import { qualityFigures, type QualityFigures, type QualityTrace } from './quality_trace';
import { optunaTrace, tunekitTrace } from './quality_trace_files';
import { median } from './stats';
import { runTunekit, writeSpec } from './tunekit_run';

export interface QualityParams extends QualityBudget {
  seeds: number[];
  /** The val_acc a method has to reach. */
  target: number;
}

const MODULES = ['torch', 'sklearn', 'optuna'];
const STDERR_TAIL_BYTES = 4000;

interface MethodRuns {
  key: string;
  label: string;
  perSeed: QualityFigures[];
}

/** bench/optuna_digits.py to its end; the trace counts its start-up from the spawn. */
async function runOptuna(ctx: BenchContext, python: string, spaceFile: string, seed: number, p: QualityParams): Promise<QualityTrace> {
  const out = join(ctx.scratch, `optuna-seed${seed}.jsonl`);
  const args = [join(ctx.workersDir, '..', 'optuna_digits.py'), spaceFile, out, '--seed', String(seed), '--trials', String(p.trials), '--epochs', String(p.epochs), '--reduction-factor', String(p.reductionFactor)];
  // The same thread count Tunekit gives a one-CPU worker; PYTHONPATH for train.py's `import tunekit`.
  const env = { ...process.env, PYTHONPATH: ctx.tunekit.pythonClientDir, OMP_NUM_THREADS: '1' };
  const spawnedAt = Date.now() / 1000;
  const child = spawn(python, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-STDERR_TAIL_BYTES)));
  const code = await new Promise<number | null>((done, fail) => {
    child.once('error', fail);
    child.once('close', done);
  });
  if (code !== 0) throw new Error(`optuna_digits.py exited with code ${code}:\n${stderr}`);
  return optunaTrace(out, spawnedAt);
}

function reachedFigure(runs: QualityFigures[], pick: (r: NonNullable<QualityFigures['reached']>) => number): number {
  return median(runs.map((r) => (r.reached ? pick(r.reached) : Infinity)));
}

function seconds(value: number, runs: QualityFigures[]): string {
  return Number.isFinite(value) ? formatSeconds(value) : `not reached (${runs.filter((r) => !r.reached).length} of ${runs.length} seeds)`;
}

function acc(value: number): string {
  return value.toFixed(4);
}

function rowsFor(methods: MethodRuns[], p: QualityParams): BenchRow[] {
  const grid = methods.find((m) => m.key === 'grid')!;
  const optuna = methods.find((m) => m.key === 'optuna')!;
  const gridWorker = reachedFigure(grid.perSeed, (r) => r.workerS);
  const gridTraining = reachedFigure(grid.perSeed, (r) => r.trainingS);
  const optunaBest = median(optuna.perSeed.map((r) => r.bestValAcc));
  const toTarget = methods.map((m): BenchRow => {
    const worker = reachedFigure(m.perSeed, (r) => r.workerS);
    const training = reachedFigure(m.perSeed, (r) => r.trainingS);
    const ratio = Number.isFinite(worker) && Number.isFinite(gridWorker) ? `${formatRatio(worker / gridWorker)} (epochs only: ${formatRatio(training / gridTraining)})` : '-';
    return {
      what: `${m.label}: worker-seconds to the first ${METRIC} ≥ ${p.target} (in epochs themselves)`,
      figure: Number.isFinite(worker) ? `${formatSeconds(worker)} (${formatSeconds(training)})` : seconds(worker, m.perSeed),
      baseline: `grid: ${Number.isFinite(gridWorker) ? `${formatSeconds(gridWorker)} (${formatSeconds(gridTraining)})` : seconds(gridWorker, grid.perSeed)}`,
      ratio,
      target: m.key === 'asha' ? '≤ 0.333× (issue 4)' : '-',
    };
  });
  const best = methods
    .filter((m) => m !== optuna)
    .map((m): BenchRow => {
      const value = median(m.perSeed.map((r) => r.bestValAcc));
      return { what: `${m.label}: best ${METRIC} reached`, figure: acc(value), baseline: `Optuna: ${acc(optunaBest)}`, ratio: formatRatio(value / optunaBest), target: '≥ 1.000× (issue 4)' };
    });
  const optunaWorker = reachedFigure(optuna.perSeed, (r) => r.workerS);
  const ashaVsOptuna = methods
    .filter((m) => m.key === 'asha' || m.key === 'tpe_asha')
    .map((m): BenchRow => {
      const worker = reachedFigure(m.perSeed, (r) => r.workerS);
      const both = Number.isFinite(worker) && Number.isFinite(optunaWorker);
      return {
        what: `${m.label}: worker-seconds to the first ${METRIC} ≥ ${p.target} ÷ Optuna's`,
        figure: seconds(worker, m.perSeed),
        baseline: `Optuna: ${seconds(optunaWorker, optuna.perSeed)}`,
        ratio: both ? formatRatio(worker / optunaWorker) : '-',
        target: m.key === 'asha' ? '≤ 1.000× (issue 16)' : '-',
      };
    });
  return [...toTarget, ...ashaVsOptuna, ...best];
}

function methodNote(m: MethodRuns): string {
  const r = m.perSeed;
  const sum = (f: (x: QualityFigures) => number) => r.reduce((s, x) => s + f(x), 0);
  const perSeed = r.map((x) => (x.reached ? formatSeconds(x.reached.workerS) : 'not reached')).join(', ');
  return (
    `${m.label}: over ${r.length} seed(s) ${sum((x) => x.starts)} training-process starts, ${sum((x) => x.epochs)} epochs, ` +
    `${formatSeconds(sum((x) => x.totalWorkerS))} worker-seconds of which ${formatSeconds(sum((x) => x.totalTrainingS))} in epochs; ` +
    `to ${METRIC} target per seed: ${perSeed}; best per seed: ${r.map((x) => acc(x.bestValAcc)).join(', ')}.`
  );
}

/** Benchmark 3: worker-seconds to a target accuracy and the best accuracy, per tuning method, same budget. */
export async function runQualityBench(ctx: BenchContext, p: QualityParams): Promise<BenchOutcome> {
  const python = pythonWithModules([process.env.TUNEKIT_PYTHON ?? '', ctx.python, '/usr/bin/python3'].filter(Boolean), MODULES);
  if (!python) {
    const why = `time to quality: no Python with ${MODULES.join(', ')} (Debian: python3-torch python3-sklearn python3-optuna); set TUNEKIT_PYTHON`;
    return { failures: [why], section: { title: 'Time to quality', summary: why, rows: [], notes: [] } };
  }
  const spaceFile = join(ctx.scratch, 'digits_space.json');
  writeFileSync(spaceFile, JSON.stringify(DIGITS_SPACE));
  const workerDir = resolve(ctx.workersDir, '..', 'digits');
  const env = { ...ctx.env, TUNEKIT_PYTHON: python };
  const methods: MethodRuns[] = [...TUNEKIT_METHODS, { key: 'optuna', label: OPTUNA_LABEL }].map((m) => ({ key: m.key, label: m.label, perSeed: [] }));
  const failures: string[] = [];
  // Seed-major, so a change in the machine's load over the run falls on every method alike.
  for (const seed of p.seeds) {
    for (const m of methods) {
      let trace: QualityTrace;
      const method = TUNEKIT_METHODS.find((t) => t.key === m.key);
      if (method) {
        const spec = tunekitSpec(method, p, { workerDir, storagePath: join(ctx.scratch, 'quality'), seed });
        const run = await runTunekit(ctx.tunekit.bin, writeSpec(ctx.scratch, `quality-${m.key}-${seed}`, spec), env);
        const errored = run.summary.trials.filter((t) => t.status !== 'TERMINATED');
        if (errored.length) failures.push(`time to quality: ${m.key} seed ${seed}: ${errored.length} trial(s) ended ${errored[0].status} (${errored[0].end_reason})`);
        if (run.summary.trials.length !== p.trials) failures.push(`time to quality: ${m.key} seed ${seed} ran ${run.summary.trials.length} trials, not ${p.trials}`);
        trace = tunekitTrace(run.summary.experiment_path, run.summary.trials.map((t) => t.path));
      } else {
        trace = await runOptuna(ctx, python, spaceFile, seed, p);
      }
      const figures = qualityFigures(trace, p.target);
      m.perSeed.push(figures);
      ctx.progress(`time to quality: seed ${seed} ${m.key}: ${figures.reached ? formatSeconds(figures.reached.workerS) : 'target not reached'}, best ${acc(figures.bestValAcc)}, ${formatSeconds(figures.totalWorkerS)} in all`);
    }
  }
  const tunekitStarts = methods.filter((m) => m.key !== 'optuna').flatMap((m) => m.perSeed);
  const outsideEpochs = tunekitStarts.reduce((s, r) => s + r.totalWorkerS - r.totalTrainingS, 0) / tunekitStarts.reduce((s, r) => s + r.starts, 0);
  const optuna = methods.find((m) => m.key === 'optuna')!.perSeed;
  return {
    failures,
    section: {
      title: 'Time to quality',
      summary:
        `The digits MLP of examples/digits-ddp (sklearn's 8×8 digits, the same 80/20 split everywhere), one worker process per trial, one trial at a time on ${ctx.cores} cores, ` +
        `searching lr (loguniform 1e-4–0.1), hidden (16–256), batch_size (16–128) and weight_decay (loguniform 1e-6–0.01). ` +
        `Budget: the same number of trials for every method, ${p.trials} trials of at most ${p.epochs} epochs (the grid: 2 values per parameter, at the centres of the halves of each range). ` +
        `ASHA and Hyperband halve with the same rate (grace 1 epoch, max ${p.epochs}, reduction factor ${p.reductionFactor}); TPE on both sides with its defaults. ` +
        `Optuna runs its trials in one process, one after another, as Optuna does (bench/optuna_digits.py, same training code: bench/digits/digits_training.py). ` +
        `Worker-seconds: the wall time of every training process, from trial_started to trial_finished or trial_paused in the journal for Tunekit, and for Optuna its process's start-up plus each trial's wall time, ` +
        `counted until the first result at or above ${p.target} (in brackets: the seconds spent inside epochs, the same measure on both sides). Medians over seeds ${p.seeds.join(', ')}.`,
      rows: rowsFor(methods, p),
      notes: [
        ...methods.map(methodNote),
        `A Tunekit trial process spends ${formatSeconds(outsideEpochs)} outside its epochs per start (interpreter, import torch and sklearn, loading the data, exiting); ` +
          `Optuna pays its start-up once per run (median ${formatSeconds(median(optuna.map((r) => r.totalWorkerS - r.totalTrainingS)))} outside epochs in a whole run). ` +
          `On this model an epoch takes milliseconds, so start-up, not search, decides worker-seconds; the bracketed figures compare the search and stopping alone.`,
      ],
    },
  };
}
