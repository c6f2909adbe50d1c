/**
 * What the user should hear when a run they watched ends: a metric no trial ever reported
 * means nothing was compared (Ray's Tuner raises an error there), though every trial
 * "finished" (issue 15). No vscode import, so it is tested in plain Node.
 */
import type { ExperimentSummary, TrialSummary } from '../protocol/runtime_api';
import type { RuntimeStore } from './store';

export function unreportedMetricWarning(e: ExperimentSummary, trials: readonly TrialSummary[]): string | undefined {
  const metric = e.metric;
  if (!metric || e.live || trials.length === 0 || trials.some((t) => metric in t.metrics)) return undefined;
  const seen = [...new Set(trials.flatMap((t) => Object.keys(t.metrics)))].sort();
  const reported = seen.length ? `; its trials reported ${seen.join(', ')}` : '; its trials reported no metric at all';
  return `${e.name} ended, but no trial reported its metric "${metric}"${reported}. Nothing was compared (Ray raises an error here): set tune_config.metric to a key the script reports.`;
}

/** Calls `warn` once for each watched run that ends with a warning. */
export class RunEndWatch {
  private readonly live = new Set<string>();
  private readonly subscription: { dispose(): void };

  constructor(
    private readonly store: RuntimeStore,
    private readonly warn: (message: string, experimentPath: string) => void,
  ) {
    this.subscription = store.onDidChange((change) => {
      const paths = change.reset ? store.experiments().map((e) => e.path) : [...change.changedExperiments];
      for (const path of paths) this.check(path);
    });
  }

  private check(path: string): void {
    const e = this.store.experiment(path);
    if (e?.live) {
      this.live.add(path);
      return;
    }
    if (!this.live.delete(path) || !e) return;
    const warning = unreportedMetricWarning(e, this.store.trialsOf(path));
    if (warning) this.warn(warning, path);
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
