/**
 * An experiment directory as a runtime killed late in a big run leaves it: many finished
 * trials with full results and checkpoints, a few interrupted halfway. A tiny real run
 * gives the exact file shapes; the runtime's own searcher, name and results writers
 * replicate them, so `tunekit resume` reads what it would read after a real run.
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createScheduler } from '../../runtime/schedulers/create_scheduler';
import { createSearcher } from '../../runtime/search/create_searcher';
import { checkpointDirName } from '../../runtime/storage/checkpoints';
import { TrialResults } from '../../runtime/storage/trial_results';
import { trialDirName } from '../../runtime/storage/trial_dir_name';
import type { ExperimentFile } from '../../runtime/tuner/experiment_replay';
import type { BenchContext } from './bench_context';
import { runTunekit, writeSpec } from './tunekit_run';

export interface ResumeFixtureParams {
  trials: number;
  /** Trials that were running when the runtime died; they have half their results. */
  pending: number;
  /** Results of a finished trial. */
  results: number;
}

export interface ResumeFixture {
  experimentPath: string;
  files: number;
  bytes: number;
  rows: number;
}

const WORKER = 'count_up.py';
const CHECKPOINT_EVERY = 10;
const KEEP = 2;
/** Trial directories written at once; each TrialResults close is two fdatasyncs. */
const PARALLEL_TRIALS = 16;
const TRIAL_SPACING_S = 0.5;

type Line = Record<string, unknown>;

function jsonLines(path: string): Line[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Line);
}

/** Runs the real two-trial experiment whose files are the pattern. */
async function templateRun(ctx: BenchContext, p: ResumeFixtureParams): Promise<{ experimentPath: string; trialDir: string }> {
  const spec = writeSpec(ctx.scratch, 'resume-template', {
    trainer: {
      command: ['python3', WORKER],
      working_dir: ctx.workersDir,
      train_loop_config: { iterations: p.results, checkpoint_every: CHECKPOINT_EVERY },
      scaling_config: { num_workers: 1, resources_per_worker: { CPU: 1 }, trainer_resources: { CPU: 0 } },
    },
    param_space: { train_loop_config: { x: { uniform: [0, 1] } } },
    tune_config: { num_samples: 2, max_concurrent_trials: p.pending, metric: 'loss', mode: 'min', seed: 0 },
    run_config: { name: 'resume', storage_path: join(ctx.scratch, 'resume-template'), checkpoint_config: { num_to_keep: KEEP } },
  });
  const run = await runTunekit(ctx.tunekit.bin, spec, ctx.env);
  const trial = run.summary.trials[0];
  if (trial?.status !== 'TERMINATED' || trial.iterations !== p.results) throw new Error(`the resume template run did not finish its first trial with ${p.results} results`);
  return { experimentPath: run.summary.experiment_path, trialDir: trial.path };
}

function checkpointEvents(id: string, upTo: number, ts: number): Line[] {
  const events: Line[] = [];
  for (let index = 0; (index + 1) * CHECKPOINT_EVERY <= upTo; index++) {
    events.push({ type: 'checkpoint_committed', trial_id: id, checkpoint_dir_name: checkpointDirName(index), iteration: (index + 1) * CHECKPOINT_EVERY, ts });
    if (index >= KEEP) events.push({ type: 'checkpoint_deleted', trial_id: id, checkpoint_dir_name: checkpointDirName(index - KEEP), ts });
  }
  return events;
}

function writeCheckpoints(trialDir: string, upTo: number): void {
  const last = Math.floor(upTo / CHECKPOINT_EVERY) - 1;
  for (let index = Math.max(0, last - KEEP + 1); index <= last; index++) {
    const dir = join(trialDir, checkpointDirName(index));
    mkdirSync(dir);
    // What count_up.py saves.
    writeFileSync(join(dir, 'state.json'), JSON.stringify({ iteration: (index + 1) * CHECKPOINT_EVERY }));
  }
}

function measure(path: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  for (const name of readdirSync(path)) {
    const child = join(path, name);
    const s = statSync(child);
    if (s.isDirectory()) {
      const inner = measure(child);
      files += inner.files;
      bytes += inner.bytes;
    } else {
      files++;
      bytes += s.size;
    }
  }
  return { files, bytes };
}

export async function buildResumeFixture(ctx: BenchContext, p: ResumeFixtureParams, dest: string): Promise<ResumeFixture> {
  const template = await templateRun(ctx, p);
  const record = JSON.parse(readFileSync(join(template.experimentPath, 'experiment.json'), 'utf8')) as ExperimentFile;
  const experimentId = record.experiment_id;
  record.spec.tune_config.num_samples = p.trials;
  record.spec.run_config.storage_path = dest;
  const experimentPath = join(dest, record.name);
  mkdirSync(experimentPath, { recursive: true });
  writeFileSync(join(experimentPath, 'experiment.json'), JSON.stringify(record, null, 2) + '\n');

  const events = jsonLines(join(template.experimentPath, 'events.jsonl'));
  const templateId = jsonLines(join(template.trialDir, 'result.json'))[0].trial_id;
  const started = events.find((e) => e.type === 'trial_started' && e.trial_id === templateId)!;
  const finished = events.find((e) => e.type === 'trial_finished' && e.trial_id === templateId)!;
  const templateRows = jsonLines(join(template.trialDir, 'result.json'));
  const log = readFileSync(join(template.trialDir, 'worker_0.log'));
  const trainable = basename(template.trialDir).split('_')[0];

  const searcher = createSearcher(record.spec);
  const scheduler = createScheduler(record.spec.tune_config, record.seed);
  // The run ended a while ago: its time stamps lie before the resume's.
  let ts = Date.now() / 1000 - p.trials * TRIAL_SPACING_S - 60;
  const journal: Line[] = [{ ...events[0], ts }];
  let rows = 0;
  const writers: Array<() => Promise<void>> = [];
  for (let index = 0; index < p.trials; index++) {
    const suggestion = searcher.suggest(index);
    if (!suggestion) throw new Error(`the searcher gave no config for trial ${index}`);
    const id = `${experimentId}_${String(index).padStart(5, '0')}`;
    const name = trialDirName(trainable, experimentId, index, suggestion.sampled);
    const interrupted = index >= p.trials - p.pending;
    const upTo = interrupted ? p.results / 2 : p.results;
    const trialRows = templateRows.slice(0, upTo).map((r) => ({ ...r, trial_id: id, config: suggestion.config }));
    rows += trialRows.length;
    journal.push({ type: 'trial_created', trial_id: id, trial_name: name, trial_dir_name: name, index, config: suggestion.config, ts });
    journal.push({ ...started, trial_id: id, ts });
    journal.push(...checkpointEvents(id, upTo, (ts += TRIAL_SPACING_S)));
    if (!interrupted) {
      journal.push({ ...finished, trial_id: id, ts });
      searcher.onTrialComplete(index, trialRows[trialRows.length - 1], false);
    }
    const trialDir = join(experimentPath, name);
    mkdirSync(trialDir);
    writeFileSync(join(trialDir, 'params.json'), JSON.stringify(suggestion.config, null, 2) + '\n');
    writeFileSync(join(trialDir, 'worker_0.log'), log);
    writeCheckpoints(trialDir, upTo);
    writers.push(async () => {
      const results = new TrialResults(trialDir, { flushIntervalMs: 60_000 });
      for (const row of trialRows) results.append(row);
      await results.close();
    });
  }
  for (let i = 0; i < writers.length; i += PARALLEL_TRIALS) await Promise.all(writers.slice(i, i + PARALLEL_TRIALS).map((w) => w()));
  writeFileSync(join(experimentPath, 'events.jsonl'), journal.map((e) => JSON.stringify(e) + '\n').join(''));
  const searchState = {
    searcher: { name: searcher.name, state: searcher.saveState() },
    scheduler: { name: scheduler.name, state: scheduler.saveState() },
    trials_created: p.trials,
  };
  writeFileSync(join(experimentPath, 'search_state.json'), JSON.stringify(searchState) + '\n');
  return { experimentPath, rows, ...measure(experimentPath) };
}

/**
 * A fresh copy, `<parent>/<experiment name>`, for one resume (which appends to the journal
 * and trains on). The copy's storage_path points at its new parent: the Tuner writes to
 * storage_path/name, not to the directory `tunekit resume` was given.
 */
export function copyFixture(fixture: ResumeFixture, parent: string): string {
  const dest = join(parent, basename(fixture.experimentPath));
  cpSync(fixture.experimentPath, dest, { recursive: true });
  const recordFile = join(dest, 'experiment.json');
  const record = JSON.parse(readFileSync(recordFile, 'utf8')) as ExperimentFile;
  record.spec.run_config.storage_path = parent;
  writeFileSync(recordFile, JSON.stringify(record, null, 2) + '\n');
  return dest;
}
