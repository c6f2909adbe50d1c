/**
 * Trials as Slurm jobs, against a bare use of Slurm on the same cluster in the same run:
 * submit → first result ÷ `sbatch --wrap` → its first output, and 100 one-report trials as jobs ÷
 * the same 100 jobs as one bare sbatch array. Needs a Slurm: SLURM_CONF, or root and Debian's
 * slurm-wlm, with which the test cluster (test/slurm/lab.sh) is started and stopped here.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BenchContext, BenchOutcome } from './bench_context';
import { formatRatio, formatSeconds } from './benchmarks_markdown';
import { median } from './stats';
import { runTunekit, writeSpec } from './tunekit_run';

export interface SlurmBenchParams {
  /** Submit → first output samples, each way; the median is reported. */
  samples: number;
  /** Short trials in the bookkeeping comparison. */
  trials: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** sbatch --wrap → the job's first byte of output, in seconds. */
async function bareFirstOutput(ctx: BenchContext, env: NodeJS.ProcessEnv, dir: string, i: number): Promise<number> {
  const out = join(dir, `bare-${i}.out`);
  const started = Date.now();
  execFileSync('sbatch', ['--parsable', `--output=${out}`, '--wrap', `${ctx.python} -c "print(1, flush=True)"`], { env, cwd: dir });
  await until(() => existsSync(out) && statSync(out).size > 0, 120_000, 'the bare job output');
  return (Date.now() - started) / 1000;
}

/** The journal's trial_submitted (before sbatch) → the first row in result.json, in seconds. */
async function tunekitFirstResult(ctx: BenchContext, env: NodeJS.ProcessEnv, dir: string, i: number): Promise<number> {
  const name = `first-${i}`;
  const spec = writeSpec(dir, name, {
    trainer: { command: [ctx.python, join(ctx.workersDir, 'report_once.py')], working_dir: dir, scaling_config: { trainer_resources: { CPU: 0 } } },
    backend: { type: 'slurm', poll_interval_s: 0.5 },
    run_config: { name, storage_path: join(dir, 'results') },
  });
  const run = runTunekit(ctx.tunekit.bin, spec, env);
  const experiment = join(dir, 'results', name);
  let submittedAt = 0;
  let firstAt = 0;
  await until(() => {
    try {
      if (!submittedAt) {
        const line = readFileSync(join(experiment, 'events.jsonl'), 'utf8').split('\n').find((l) => l.includes('"trial_submitted"'));
        if (line) submittedAt = (JSON.parse(line) as { ts: number }).ts;
      }
      if (submittedAt && !firstAt) {
        const trial = readdirSync(experiment).find((name) => name.startsWith('TorchTrainer_'));
        if (trial && statSync(join(experiment, trial, 'result.json')).size > 0) firstAt = Date.now() / 1000;
      }
    } catch {
      // Not written yet.
    }
    return firstAt > 0;
  }, 180_000, 'the first result');
  await run;
  return firstAt - submittedAt;
}

export async function runSlurmBench(ctx: BenchContext, params: SlurmBenchParams): Promise<BenchOutcome> {
  const section = { title: 'Trials as Slurm jobs', summary: '', rows: [] as BenchOutcome['section']['rows'], notes: [] as string[] };
  const root = resolve(__dirname, '../../..');
  const lab = join(root, 'test', 'slurm', 'lab.sh');
  let env = ctx.env;
  let started = false;
  if (!env.SLURM_CONF) {
    if (!existsSync('/usr/sbin/slurmctld') || process.getuid?.() !== 0 || !existsSync(lab)) {
      section.summary = 'Skipped: no Slurm here (set SLURM_CONF, or run as root with slurm-wlm and munge installed).';
      return { section, failures: [] };
    }
    const labDir = join(ctx.scratch, 'lab');
    env = { ...env, LAB: labDir, NODES: '2', GPUS: '2', CPUS: '2', SLURM_CONF: join(labDir, 'etc', 'slurm.conf') };
    const lock = join(process.env.TMPDIR ?? '/tmp', 'tunekit-slurm-test-lab.lock');
    if (existsSync(lock)) {
      section.summary = `Skipped: another test cluster is running (${lock} is held, by the slurm test layer); rerun when it is done.`;
      return { section, failures: [] };
    }
    try {
      execFileSync('bash', [lab, 'start'], { env, stdio: 'pipe' });
    } catch (err) {
      execFileSync('bash', [lab, 'stop'], { env, stdio: 'ignore' });
      section.summary = `Skipped: the test cluster did not start (${String((err as { stderr?: Buffer }).stderr ?? err).trim().split('\n').pop()}).`;
      return { section, failures: [] };
    }
    started = true;
  }
  try {
    const dir = join(ctx.scratch, 'slurm');
    mkdirSync(dir, { recursive: true });
    const bare: number[] = [];
    const ours: number[] = [];
    for (let i = 0; i < params.samples; i++) {
      bare.push(await bareFirstOutput(ctx, env, dir, i));
      ours.push(await tunekitFirstResult(ctx, env, dir, i));
      ctx.progress(`slurm: first output ${formatSeconds(bare[i])} bare, first result ${formatSeconds(ours[i])} as a trial`);
    }
    section.rows.push({
      what: 'submit → first result of a trial (median)',
      figure: formatSeconds(median(ours)),
      baseline: `${formatSeconds(median(bare))} (sbatch --wrap → first output)`,
      ratio: formatRatio(median(ours) / median(bare)),
      target: 'report',
    });

    const arrayStart = Date.now();
    const clientPath = `--export=ALL,PYTHONPATH=${join(root, 'runtime', 'clients', 'python')}`;
    const arrayId = execFileSync('sbatch', ['--parsable', clientPath, `--array=0-${params.trials - 1}`, `--output=${join(dir, 'array-%a.out')}`, '--wrap', `${ctx.python} ${join(ctx.workersDir, 'report_once.py')}`], { env, cwd: dir, encoding: 'utf8' }).trim().split(';')[0];
    // Done when every task has printed its report, as a trial is done when its result is written.
    const outputs = Array.from({ length: params.trials }, (_, k) => join(dir, `array-${k}.out`));
    await until(() => outputs.every((f) => existsSync(f) && statSync(f).size > 0), 600_000, `the bare array ${arrayId}`);
    const arrayS = (Date.now() - arrayStart) / 1000;
    const spec = writeSpec(dir, 'many', {
      trainer: { command: [ctx.python, join(ctx.workersDir, 'report_once.py')], working_dir: dir, scaling_config: { trainer_resources: { CPU: 0 } } },
      param_space: { train_loop_config: { i: { grid_search: Array.from({ length: params.trials }, (_, k) => k) } } },
      backend: { type: 'slurm', poll_interval_s: 0.5 },
      run_config: { name: 'many', storage_path: join(dir, 'results') },
    });
    const run = await runTunekit(ctx.tunekit.bin, spec, env);
    const finished = run.summary.trials.filter((t) => t.status === 'TERMINATED').length;
    section.rows.push({
      what: `${params.trials} one-report trials as jobs (wall)`,
      figure: formatSeconds(run.wallS),
      baseline: `${formatSeconds(arrayS)} (the same ${params.trials} jobs as one sbatch array)`,
      ratio: formatRatio(run.wallS / arrayS),
      target: 'report',
    });
    section.summary =
      `On ${started ? 'the test cluster (test/slurm/lab.sh: two simulated 2-CPU nodes on this machine)' : `the cluster of SLURM_CONF=${env.SLURM_CONF}`}. ` +
      'Each Tunekit trial job runs the Node driver as its batch step and the worker as one srun step; the bare jobs run the Python command alone. ' +
      "The trials' wall is `tunekit run` from spawn to exit, its one-task preflight job included; the array's ends when every task has printed its report.";
    const failures = finished === params.trials ? [] : [`only ${finished} of ${params.trials} trials finished`];
    return { section, failures };
  } finally {
    if (started) execFileSync('bash', [lab, 'stop'], { env, stdio: 'ignore' });
  }
}
