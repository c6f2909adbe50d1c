import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext, BenchOutcome } from './bench_context';
import { formatRatio, formatSeconds, type BenchRow } from './benchmarks_markdown';
import { replayExperiment } from '../../runtime/tuner/experiment_replay';
import { summarizeProfile, type CpuProfile } from './cpu_profile_summary';
import { buildResumeFixture, copyFixture, type ResumeFixture, type ResumeFixtureParams } from './resume_fixture';
import { median } from './stats';

export interface ResumeParams extends ResumeFixtureParams {
  /** Resumes timed, each of a fresh copy; the median is reported. */
  repeats: number;
}

/** The issue's aim for resume → first new trial running. */
const TARGET_S = 1;
const POLL_MS = 20;
const STOP_TIMEOUT_MS = 30_000;
/** Reads every file under argv[1] once, as `cat -r` would: the I/O floor of a resume. */
const READ_ALL = `const fs=require('fs'),p=require('path');(function walk(d){for(const e of fs.readdirSync(d,{withFileTypes:true})){const f=p.join(d,e.name);e.isDirectory()?walk(f):fs.readFileSync(f)}})(process.argv[1])`;

interface ResumeTiming {
  /** Spawn → the resume's experiment_started: the directory is replayed. */
  replayS: number;
  /** Spawn → the first trial_started after it: a trial runs again. */
  firstTrialS: number;
}

async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/** Wall time of `node ARGS` from spawn to exit. */
async function timeNode(args: string[]): Promise<number> {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, args, { stdio: 'ignore' });
  const code = await new Promise<number | null>((done, fail) => {
    child.once('error', fail);
    child.once('close', done);
  });
  if (code !== 0) throw new Error(`node ${args.join(' ').slice(0, 60)} exited with code ${code}`);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** Journal lines appended after byte `from`, read as they land; complete lines only. */
function journalFollower(path: string, from: number) {
  let offset = from;
  let partial = '';
  return (): Array<Record<string, unknown>> => {
    const size = statSync(path).size;
    if (size <= offset) return [];
    const buffer = Buffer.alloc(size - offset);
    const fd = openSync(path, 'r');
    try {
      readSync(fd, buffer, 0, buffer.length, offset);
    } finally {
      closeSync(fd);
    }
    offset = size;
    const lines = (partial + buffer.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    return lines.filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  };
}

/** `tunekit resume PATH` until a trial runs again, then Ctrl-C; times come from the journal's own stamps. */
async function timeResume(ctx: BenchContext, experimentPath: string, nodeArgs: string[] = []): Promise<ResumeTiming> {
  const journal = join(experimentPath, 'events.jsonl');
  const follow = journalFollower(journal, statSync(journal).size);
  const spawnedAt = Date.now() / 1000;
  const child = spawn(process.execPath, [...nodeArgs, ctx.tunekit.bin, 'resume', experimentPath], { env: ctx.env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
  const exited = new Promise<void>((done) => child.once('close', () => done()));
  let alive = true;
  void exited.then(() => (alive = false));
  let replayed: number | undefined;
  let firstTrial: number | undefined;
  while (firstTrial === undefined) {
    for (const e of follow()) {
      if (e.type === 'experiment_started' && e.resumed === true) replayed = e.ts as number;
      else if (e.type === 'trial_started' && replayed !== undefined) firstTrial ??= e.ts as number;
    }
    if (firstTrial !== undefined) break;
    if (!alive) throw new Error(`tunekit resume ended before any trial started again:\n${stderr}`);
    await sleep(POLL_MS);
  }
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
  return { replayS: replayed! - spawnedAt, firstTrialS: firstTrial - spawnedAt };
}

/** One resume under --cpu-prof: the functions that took the time up to the first trial start. */
async function profileResume(ctx: BenchContext, fixture: ResumeFixture): Promise<string[]> {
  const dir = join(ctx.scratch, 'resume-profile');
  mkdirSync(dir, { recursive: true });
  const path = copyFixture(fixture, join(ctx.scratch, 'resume-profiled'));
  const timing = await timeResume(ctx, path, ['--cpu-prof', '--cpu-prof-dir', dir]);
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) return ['node --cpu-prof wrote no profile.'];
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
  const summary = summarizeProfile(profile, timing.firstTrialS * 1000, 8);
  return [
    `Profiled once (\`node --cpu-prof\`, the runtime's main process only; ${formatSeconds(timing.firstTrialS)} to the first trial under the profiler): ` +
      `of ${summary.totalMs.toFixed(0)} ms sampled before the first trial started, ${summary.idleMs.toFixed(0)} ms idle (waiting on I/O, fsync or child processes); most self time: ` +
      summary.top.map((f) => `${f.where} ${f.selfMs.toFixed(0)} ms`).join('; ') + '.',
  ];
}

/** Benchmark 4: from `tunekit resume` to the first trial running again, on a big interrupted experiment. */
export async function runResumeBench(ctx: BenchContext, p: ResumeParams): Promise<BenchOutcome> {
  ctx.progress(`resume: building an experiment of ${p.trials} trials × ${p.results} results (${p.pending} interrupted halfway)`);
  const fixture = await buildResumeFixture(ctx, p, join(ctx.scratch, 'resume-fixture'));
  const bare: number[] = [];
  const readAll: number[] = [];
  const replayOnly: number[] = [];
  const timings: ResumeTiming[] = [];
  for (let r = 0; r < p.repeats; r++) {
    bare.push(await timeNode(['-e', '0']));
    const path = copyFixture(fixture, join(ctx.scratch, `resume-${r}`));
    readAll.push(await timeNode(['-e', READ_ALL, path]));
    // The runtime's replay alone, in this process: it only reads a directory with nothing to repair.
    const replayStarted = process.hrtime.bigint();
    await replayExperiment(path);
    replayOnly.push(Number(process.hrtime.bigint() - replayStarted) / 1e9);
    timings.push(await timeResume(ctx, path));
    ctx.progress(`resume: ${formatSeconds(timings[r].firstTrialS)} to the first trial (replay ${formatSeconds(timings[r].replayS)}); reading every file ${formatSeconds(readAll[r])}`);
  }
  const first = median(timings.map((t) => t.firstTrialS));
  const replay = median(timings.map((t) => t.replayS));
  const node = median(bare);
  const floor = median(readAll);
  const profile = first > TARGET_S ? await profileResume(ctx, fixture) : [];
  const rows: BenchRow[] = [
    { what: '`tunekit resume` → first new trial_started ÷ `node -e 0` spawn → exit', figure: formatSeconds(first), baseline: formatSeconds(node), ratio: formatRatio(first / node), target: `< ${TARGET_S} s (issue 5)` },
    { what: '`tunekit resume` → first new trial_started ÷ a Node process reading every file of the experiment once', figure: formatSeconds(first), baseline: formatSeconds(floor), ratio: formatRatio(first / floor), target: '-' },
    { what: '`tunekit resume` → its experiment_started (directory replayed) ÷ reading every file once', figure: formatSeconds(replay), baseline: formatSeconds(floor), ratio: formatRatio(replay / floor), target: '-' },
  ];
  return {
    failures: [],
    section: {
      title: 'Resume time',
      summary:
        `An experiment directory as a runtime killed late in a run leaves it: ${p.trials} trials (random search), ${p.trials - p.pending} finished with ${p.results} results each and ${p.pending} interrupted after ${p.results / 2}, ` +
        `each with result.json, progress.csv, params.json, a worker log and its ${2} latest checkpoints; ${fixture.rows.toLocaleString('en-US')} results, ${fixture.files.toLocaleString('en-US')} files, ${(fixture.bytes / 1e6).toFixed(1)} MB. ` +
        `It is copied from a real two-trial run (\`bench/workers/${'count_up.py'}\`) with the runtime's own searcher, trial naming and results writer. ` +
        `Timed from spawning \`tunekit resume\` to the first trial_started after the resume's experiment_started (journal time stamps), then stopped with SIGINT; ` +
        `median of ${p.repeats} resumes, each of a fresh copy, warm page cache. Baselines, each time just before: \`node -e 0\`, and a Node process reading every file of the copy once.`,
      rows,
      notes: [
        `Per resume (first trial / replay): ${timings.map((t) => `${formatSeconds(t.firstTrialS)} / ${formatSeconds(t.replayS)}`).join(', ')}; max ${formatSeconds(Math.max(...timings.map((t) => t.firstTrialS)))}.`,
        `Of the replay, the runtime's replayExperiment() alone (called in the bench's process on each copy before its resume) took ${formatSeconds(median(replayOnly))} (median; ${replayOnly.map(formatSeconds).join(', ')}).`,
        ...profile,
      ],
    },
  };
}
