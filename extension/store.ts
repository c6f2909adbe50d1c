/**
 * The extension's one copy of the runtime's state: replaced by a snapshot on (re)attach,
 * then patched by `stateDelta` notifications in the order they arrive. Views read from it
 * and listen to its changes; nothing else writes to it. No vscode import, so it is tested
 * in plain Node.
 */
import type {
  ExperimentSummary,
  MetricPoint,
  ResourceSnapshot,
  StateDelta,
  StateSnapshot,
  TrialSummary,
} from '../protocol/runtime_api';
import { experimentPathOfTrialKey, trialKey } from '../protocol/trial';

/** What one snapshot or delta touched, so views refresh only that. */
export interface StoreChange {
  /** A snapshot replaced everything. */
  reset: boolean;
  /** Experiments that appeared for the first time (the list of roots changed). */
  addedExperiments: string[];
  /** Experiments whose summary or trials changed. */
  changedExperiments: Set<string>;
  resourcesChanged: boolean;
}

export type StoreListener = (change: StoreChange) => void;

/** Metric points kept per trial; older ones are dropped (the runtime keeps the full history). */
export const MAX_POINTS_PER_TRIAL = 5000;

const EMPTY_RESOURCES: ResourceSnapshot = { cpu: { total: 0, used: 0, holders: [] }, gpus: [], waiting: [] };

export class RuntimeStore {
  private readonly experimentsByPath = new Map<string, ExperimentSummary>();
  /** experiment path → trial id → trial. */
  private readonly trialsByExperiment = new Map<string, Map<string, TrialSummary>>();
  private readonly pointsByTrial = new Map<string, MetricPoint[]>();
  /** Experiments seen live, then failed: they need the user's attention. */
  private readonly failedWhileWatched = new Set<string>();
  private currentResources: ResourceSnapshot = EMPTY_RESOURCES;
  private readonly listeners = new Set<StoreListener>();

  /** `reportError`: where a failing view's error goes; the other views still get the change. */
  constructor(private readonly reportError: (err: unknown) => void = () => undefined) {}

  onDidChange(listener: StoreListener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Newest first. */
  experiments(): ExperimentSummary[] {
    return [...this.experimentsByPath.values()].sort((a, b) => b.startedAt - a.startedAt || a.path.localeCompare(b.path));
  }

  experiment(path: string): ExperimentSummary | undefined {
    return this.experimentsByPath.get(path);
  }

  /** In trial index order. */
  trialsOf(experimentPath: string): TrialSummary[] {
    const trials = this.trialsByExperiment.get(experimentPath);
    return trials ? [...trials.values()].sort((a, b) => a.index - b.index) : [];
  }

  trial(experimentPath: string, trialId: string): TrialSummary | undefined {
    return this.trialsByExperiment.get(experimentPath)?.get(trialId);
  }

  resources(): ResourceSnapshot {
    return this.currentResources;
  }

  points(experimentPath: string, trialId: string): readonly MetricPoint[] {
    return this.pointsByTrial.get(trialKey(experimentPath, trialId)) ?? [];
  }

  /** Experiments that failed while this window watched them run. */
  failedExperiments(): string[] {
    return [...this.failedWhileWatched];
  }

  reset(snapshot: StateSnapshot): void {
    const wasLive = new Set([...this.experimentsByPath.values()].filter((e) => e.live).map((e) => e.path));
    this.experimentsByPath.clear();
    this.trialsByExperiment.clear();
    this.pointsByTrial.clear();
    const change = this.emptyChange(true);
    for (const e of snapshot.experiments) this.putExperiment(e, wasLive.has(e.path), change);
    for (const t of snapshot.trials) this.putTrial(t, change);
    this.currentResources = snapshot.resources;
    change.resourcesChanged = true;
    this.emit(change);
  }

  apply(delta: StateDelta): void {
    const change = this.emptyChange(false);
    for (const e of delta.experiments) this.putExperiment(e, this.experimentsByPath.get(e.path)?.live ?? false, change);
    for (const t of delta.trials) this.putTrial(t, change);
    if (delta.resources) {
      this.currentResources = delta.resources;
      change.resourcesChanged = true;
    }
    for (const [key, points] of Object.entries(delta.points ?? {})) {
      const kept = [...(this.pointsByTrial.get(key) ?? []), ...points];
      this.pointsByTrial.set(key, kept.length > MAX_POINTS_PER_TRIAL ? kept.slice(-MAX_POINTS_PER_TRIAL) : kept);
      const experimentPath = experimentPathOfTrialKey(key);
      if (experimentPath) change.changedExperiments.add(experimentPath);
    }
    if (change.addedExperiments.length || change.changedExperiments.size || change.resourcesChanged) this.emit(change);
  }

  private putExperiment(e: ExperimentSummary, wasLive: boolean, change: StoreChange): void {
    if (!this.experimentsByPath.has(e.path)) change.addedExperiments.push(e.path);
    this.experimentsByPath.set(e.path, e);
    change.changedExperiments.add(e.path);
    if (e.live) this.failedWhileWatched.delete(e.path);
    else if (wasLive && e.state === 'failed') this.failedWhileWatched.add(e.path);
  }

  private putTrial(t: TrialSummary, change: StoreChange): void {
    let trials = this.trialsByExperiment.get(t.experimentPath);
    if (!trials) this.trialsByExperiment.set(t.experimentPath, (trials = new Map()));
    trials.set(t.id, t);
    change.changedExperiments.add(t.experimentPath);
  }

  private emptyChange(reset: boolean): StoreChange {
    return { reset, addedExperiments: [], changedExperiments: new Set(), resourcesChanged: false };
  }

  private emit(change: StoreChange): void {
    // One view that throws must not leave the others stale: the update that ends a run is
    // often the last one, so a status bar behind a failing tree would say "running" for good.
    for (const listener of [...this.listeners]) {
      try {
        listener(change);
      } catch (err) {
        this.reportError(err);
      }
    }
  }
}
