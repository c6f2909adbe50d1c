/**
 * Collects what changed (dirty experiments and trials, new metric points) and sends one
 * StateDelta per interval at most, however fast results arrive. While something is live
 * it also ticks when nothing was marked, so the host can poll journals and GPUs.
 */
import type { MetricPoint, StateDelta } from '../../protocol/runtime_api';
import { STATE_DELTA_INTERVAL_MS } from '../../protocol/runtime_api';
import { trialKey } from '../../protocol/trial';

export interface DirtySet {
  experiments: Set<string>;
  /** experimentPath → trial ids. */
  trials: Map<string, Set<string>>;
  resources: boolean;
}

export interface BatcherOptions {
  /** Builds the delta for what is dirty (and may mark more, e.g. after reading a journal). */
  project: (dirty: DirtySet) => Promise<Omit<StateDelta, 'points'> | undefined>;
  send: (delta: StateDelta) => void;
  onError: (err: Error) => void;
  intervalMs?: number;
  /** Called before each flush; what it marks goes into that flush. */
  beforeFlush?: () => Promise<void>;
}

export class DeltaBatcher {
  private dirty: DirtySet = emptyDirty();
  private points = new Map<string, MetricPoint[]>();
  private timer: NodeJS.Timeout | undefined;
  private flushing = false;
  private lastFlushAt = 0;
  private polling = false;
  private readonly intervalMs: number;

  constructor(private readonly options: BatcherOptions) {
    this.intervalMs = options.intervalMs ?? STATE_DELTA_INTERVAL_MS;
  }

  markExperiment(path: string): void {
    this.dirty.experiments.add(path);
    this.schedule();
  }

  markTrial(path: string, trialId: string): void {
    let ids = this.dirty.trials.get(path);
    if (!ids) this.dirty.trials.set(path, (ids = new Set()));
    ids.add(trialId);
    this.dirty.experiments.add(path);
    this.schedule();
  }

  markResources(): void {
    this.dirty.resources = true;
    this.schedule();
  }

  addPoint(path: string, trialId: string, point: MetricPoint): void {
    const key = trialKey(path, trialId);
    let list = this.points.get(key);
    if (!list) this.points.set(key, (list = []));
    list.push(point);
    this.markTrial(path, trialId);
  }

  /** Ticks every interval even when nothing is marked, while `on`. */
  setPolling(on: boolean): void {
    this.polling = on;
    if (on) this.schedule();
  }

  /** Stops ticking; what is still dirty is dropped. */
  dispose(): void {
    this.polling = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private isDirty(): boolean {
    return this.dirty.experiments.size > 0 || this.dirty.resources || this.points.size > 0;
  }

  private schedule(): void {
    if (this.timer || this.flushing) return;
    if (!this.polling && !this.isDirty()) return;
    const wait = Math.max(0, this.lastFlushAt + this.intervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, wait);
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    this.lastFlushAt = Date.now();
    try {
      await this.options.beforeFlush?.();
      if (!this.isDirty()) return;
      const dirty = this.dirty;
      const points = this.points;
      this.dirty = emptyDirty();
      this.points = new Map();
      const delta: StateDelta | undefined = await this.options.project(dirty);
      if (!delta && points.size === 0) return;
      const out: StateDelta = delta ?? { experiments: [], trials: [] };
      if (points.size > 0) out.points = Object.fromEntries(points);
      this.options.send(out);
    } catch (err) {
      this.options.onError(err as Error);
    } finally {
      this.flushing = false;
      this.schedule();
    }
  }
}

function emptyDirty(): DirtySet {
  return { experiments: new Set(), trials: new Map(), resources: false };
}
