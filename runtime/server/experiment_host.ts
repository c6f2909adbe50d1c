/**
 * Every experiment this runtime knows: the ones it drives (a Tuner each, outliving any
 * window) and the ones browsed from disk. Answers the extension's requests and turns what
 * changes into batched StateDeltas and user messages for every attached client.
 */
import { EventEmitter } from 'node:events';
import { basename, join, resolve } from 'node:path';
import type { MetricPoint, StateDelta, StateSnapshot, UserMessage } from '../../protocol/runtime_api';
import { USER_STOP_REASON } from '../../protocol/trial';
import { describeMachine } from '../app/describe_machine';
import { extendStart } from '../app/extend_trial';
import { planExperiment } from '../app/plan_experiment';
import type { ErroredPolicy } from '../app/requests';
import { resumeStart, runStart, type ExperimentStart } from '../app/start_experiment';
import { UserError } from '../errors/user_error';
import { MachineLedger, type TrialLedger } from '../resources/machine_ledger';
import { JOURNAL_FILE } from '../storage/experiment_dir';
import { readJournal } from '../storage/journal';
import { readJsonLines } from '../storage/jsonl';
import { resolveInside } from '../storage/safe_path';
import { RESULT_FILE } from '../storage/trial_dir';
import type { Capacity } from '../tuner/tuner';
import { DeltaBatcher, type DirtySet } from './delta_batcher';
import { findExperimentDirs, loadBrowsed } from './experiment_browse';
import { sentence } from './error_reply';
import { startHostedRun, type HostedRun, type RunListeners } from './hosted_run';
import type { RuntimeLog } from './runtime_log';
import { ResourceView } from './resource_view';
import { metricPoint, projectExperiment, projectTrial, type ExperimentView } from './state_projection';

export interface HostOptions {
  log: RuntimeLog;
  resources?: ResourceView;
  deltaIntervalMs?: number;
}

/** Emits 'delta' (StateDelta), 'message' (UserMessage) and 'live' (number of running experiments). */
export class ExperimentHost extends EventEmitter {
  private readonly runs = new Map<string, HostedRun>();
  private readonly browsed = new Map<string, ExperimentView>();
  /** Experiments being started (lock, replay, detection), so a second start is refused early. */
  private readonly starting = new Map<string, Promise<unknown>>();
  private closing = false;
  private readonly batcher: DeltaBatcher;
  readonly resources: ResourceView;
  private readonly log: RuntimeLog;
  private lastResources = '';
  /** Experiments on the same machine (same capacity) share one ledger. */
  private readonly machines = new Map<string, MachineLedger>();

  constructor(options: HostOptions) {
    super();
    this.log = options.log;
    this.resources =
      options.resources ??
      new ResourceView({ onChange: () => this.batcher.markResources(), onError: (err) => this.log.warn(`GPU refresh failed: ${err.message}`) });
    this.batcher = new DeltaBatcher({
      intervalMs: options.deltaIntervalMs,
      beforeFlush: () => this.pollJournals(),
      project: (dirty) => this.project(dirty),
      send: (delta) => this.emit('delta', delta),
      onError: (err) => this.log.error(`state delta failed: ${err.stack ?? err.message}`),
    });
  }

  /** Experiments running now. */
  liveCount(): number {
    return [...this.runs.values()].filter((r) => r.live).length + this.starting.size;
  }

  // ---- requests -----------------------------------------------------------------------

  async runExperiment(params: { specPath: string } & ErroredPolicy): Promise<{ experimentPath: string }> {
    const hardware = await this.resources.report();
    return this.start(await runStart({ ...params, specPath: resolve(params.specPath) }, hardware));
  }

  async resumeExperiment(params: { experimentPath: string } & ErroredPolicy): Promise<{ experimentPath: string }> {
    return this.start(resumeStart(params));
  }

  async extendTrial(params: { experimentPath: string; trialId: string; maxIterations: number; settings?: string[] }): Promise<void> {
    await this.start(extendStart({ experimentPath: params.experimentPath, trial: params.trialId, maxIterations: params.maxIterations, settings: params.settings }));
  }

  async stopExperiment(params: { experimentPath: string }): Promise<void> {
    this.liveRun(params.experimentPath).tuner.stop(USER_STOP_REASON);
  }

  async stopTrial(params: { experimentPath: string; trialId: string }): Promise<void> {
    const run = this.liveRun(params.experimentPath);
    if (!run.tuner.stopTrial(params.trialId, USER_STOP_REASON)) {
      throw new UserError(`Trial ${params.trialId} is not running or waiting in ${basename(run.path)}.`);
    }
  }

  async planExperiment(params: { specPath: string }): Promise<{ text: string }> {
    const plan = await planExperiment({ specPath: resolve(params.specPath) });
    return { text: plan.lines.join('\n') + '\n' };
  }

  async detectGpus(): Promise<{ text: string; gpuCount: number }> {
    const { report, lines } = await describeMachine(() => this.resources.redetect());
    return { text: lines.join('\n') + '\n', gpuCount: report.gpus.length };
  }

  async snapshot(): Promise<StateSnapshot> {
    const views = this.views();
    return {
      experiments: views.map(projectExperiment),
      trials: views.flatMap((v) => v.trials.map((t) => projectTrial(v, t))),
      resources: await this.resources.snapshot(this.liveResources()),
    };
  }

  async scanResults(params: { folder: string }): Promise<{ found: number }> {
    const dirs = await findExperimentDirs(resolve(params.folder));
    for (const dir of dirs) {
      if (this.runs.has(dir) || this.starting.has(dir)) continue;
      try {
        const view = await loadBrowsed(dir);
        this.browsed.set(dir, view);
        this.batcher.markExperiment(dir);
        for (const t of view.trials) this.batcher.markTrial(dir, t.id);
      } catch (err) {
        this.log.warn(`could not load ${dir} for browsing: ${(err as Error).message}`);
      }
    }
    return { found: dirs.length };
  }

  async trialHistory(params: { experimentPath: string; trialId: string }): Promise<{ points: MetricPoint[] }> {
    const path = resolve(params.experimentPath);
    const view = this.runs.get(path)?.view() ?? this.browsed.get(path);
    const trial = view?.trials.find((t) => t.id === params.trialId);
    const dir = trial?.dir ?? (await trialDirFromJournal(path, params.trialId));
    if (!dir) throw new UserError(`There is no trial ${params.trialId} in ${path}.`);
    const rows = await readJsonLines<Record<string, unknown>>(join(dir, RESULT_FILE));
    return { points: rows.map(metricPoint) };
  }

  /** Stops every running experiment (resumable, as Ctrl-C does) and waits for them to end. */
  async stopAll(reason: string): Promise<void> {
    this.closing = true;
    await Promise.allSettled(this.starting.values());
    const runs = [...this.runs.values()].filter((r) => r.live);
    for (const run of runs) run.tuner.stop(reason);
    await Promise.all(runs.map((r) => r.done));
  }

  dispose(): void {
    this.batcher.dispose();
    this.resources.setActive(false);
  }

  // ---- running ------------------------------------------------------------------------

  private async start(start: ExperimentStart): Promise<{ experimentPath: string }> {
    const { experimentPath } = start;
    if (this.closing) throw new UserError('The runtime is shutting down; start the experiment again in a moment.');
    if (this.runs.get(experimentPath)?.live || this.starting.has(experimentPath)) {
      throw new UserError(`${basename(experimentPath)} is already running in this runtime.`);
    }
    const starting = startHostedRun({ start, listeners: this.runListeners, ledgerFor: (capacity) => this.machineLedger(capacity) });
    this.starting.set(experimentPath, starting);
    this.liveChanged();
    let run: HostedRun;
    try {
      run = await starting;
    } finally {
      this.starting.delete(experimentPath);
    }
    this.runs.set(run.path, run);
    this.browsed.delete(run.path);
    this.log.info(`started ${experimentPath}${run.notes.length ? `\n  ${run.notes.join('\n  ')}` : ''}`);
    if (run.notes.length) this.emit('message', { severity: 'info', message: sentence(run.notes.join('; ')), experimentPath: run.path } satisfies UserMessage);
    this.markAll(run.view());
    this.liveChanged();
    return { experimentPath: run.path };
  }

  private machineLedger(capacity: Capacity): TrialLedger {
    const gpus = [...capacity.gpus].sort((a, b) => a - b);
    const key = JSON.stringify({ CPU: capacity.CPU, gpus, simulated: capacity.simulated });
    let machine = this.machines.get(key);
    if (!machine) this.machines.set(key, (machine = new MachineLedger({ CPU: capacity.CPU, gpus })));
    return machine.seat();
  }

  private readonly runListeners: RunListeners = {
    trial: (run, trial) => {
      this.batcher.markTrial(run.path, trial.id);
      this.batcher.markResources();
    },
    result: (run, trial, row) => this.batcher.addPoint(run.path, trial.id, metricPoint(row)),
    warning: (run, message) => {
      this.log.warn(`${run.path}: ${message}`);
      this.emit('message', { severity: 'warning', message: sentence(message), experimentPath: run.path } satisfies UserMessage);
    },
    finished: (run) => {
      this.log.info(`${run.path} ${run.state}: ${run.reason ?? ''}`);
      this.markAll(run.view());
      this.batcher.markResources();
      this.emit('message', finishMessage(run));
      this.liveChanged();
    },
  };

  private liveChanged(): void {
    const live = this.liveCount();
    this.batcher.setPolling(live > 0);
    this.resources.setActive(live > 0);
    this.emit('live', live);
  }

  private liveRun(path: string): HostedRun {
    const run = this.runs.get(resolve(path));
    if (!run?.live) throw new UserError(`${basename(path)} is not running in this runtime.`);
    return run;
  }

  // ---- projection ---------------------------------------------------------------------

  private views(): ExperimentView[] {
    return [...[...this.runs.values()].map((r) => r.view()), ...this.browsed.values()];
  }

  private liveResources() {
    return [...this.runs.values()].filter((r) => r.live).map((r) => r.resources());
  }

  private markAll(view: ExperimentView): void {
    this.batcher.markExperiment(view.path);
    for (const t of view.trials) this.batcher.markTrial(view.path, t.id);
  }

  private async pollJournals(): Promise<void> {
    for (const run of this.runs.values()) {
      if (!run.live) continue;
      for (const id of await run.poll()) this.batcher.markTrial(run.path, id);
    }
  }

  private async project(dirty: DirtySet): Promise<Omit<StateDelta, 'points'> | undefined> {
    const delta: Omit<StateDelta, 'points'> = { experiments: [], trials: [] };
    for (const path of dirty.experiments) {
      const view = this.runs.get(path)?.view() ?? this.browsed.get(path);
      if (!view) continue;
      delta.experiments.push(projectExperiment(view));
      const ids = dirty.trials.get(path);
      if (ids) for (const t of view.trials) if (ids.has(t.id)) delta.trials.push(projectTrial(view, t));
    }
    if (dirty.resources || this.liveCount() > 0) {
      const resources = await this.resources.snapshot(this.liveResources());
      const text = JSON.stringify(resources);
      if (text !== this.lastResources) {
        this.lastResources = text;
        delta.resources = resources;
      }
    }
    if (delta.experiments.length === 0 && delta.trials.length === 0 && !delta.resources) return undefined;
    return delta;
  }
}

function finishMessage(run: HostedRun): UserMessage {
  const name = basename(run.path);
  const errored = run.tuner.trials.filter((t) => t.status === 'ERROR').length;
  const severity = run.state === 'failed' ? 'error' : errored > 0 ? 'warning' : 'info';
  const trials = errored > 0 ? ` ${errored} trial(s) errored.` : '';
  return { severity, message: `Experiment ${name} ${run.state}: ${run.reason ?? ''}.${trials}`.replace(/\.\./g, '.'), experimentPath: run.path };
}

async function trialDirFromJournal(experimentPath: string, trialId: string): Promise<string | undefined> {
  const events = await readJournal(join(experimentPath, JOURNAL_FILE)).catch(() => []);
  const created = events.find((e) => e.type === 'trial_created' && e.trial_id === trialId);
  return created?.type === 'trial_created' ? resolveInside(experimentPath, created.trial_dir_name) : undefined;
}
