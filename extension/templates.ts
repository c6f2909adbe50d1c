/** Starting points for new specs: small, runnable, with Ray's names, and comments a newcomer needs. */

export interface TemplateOptions {
  /** The experiment's name (run_config.name). */
  name: string;
  /** The script's file name, relative to the spec. */
  script: string;
  /** The metric keys the script reports, when read from it (`reportedKeys`). */
  reported?: string[];
}

/** Keys that count progress rather than measure a trial: never the metric to tune. */
const COUNTERS = /^(step|steps|epoch|epochs|iter|iteration|training_iteration|global_step|batch|rank|world_rank|local_rank)$/i;

/**
 * The keys a script passes to `report(...)` (tunekit's or Ray's), in the order first seen:
 * dict literals' string keys and `dict(key=...)` arguments. A scaffold reads them so its
 * metric is one the script reports (issue 15).
 */
export function reportedKeys(script: string): string[] {
  const keys = new Set<string>();
  for (const call of script.matchAll(/\breport\s*\(\s*(\{[^}]*\}|dict\s*\([^)]*\))/g)) {
    const body = call[1];
    const pattern = body.startsWith('{') ? /["']([A-Za-z_][\w./-]*)["']\s*:/g : /\b([A-Za-z_]\w*)\s*=/g;
    for (const key of body.matchAll(pattern)) keys.add(key[1]);
  }
  return [...keys];
}

/** The reported key to tune and its direction: a loss or error is minimised, anything else maximised. */
export function metricFor(reported: readonly string[]): { metric: string; mode: 'min' | 'max' } | undefined {
  const candidates = reported.filter((k) => !COUNTERS.test(k));
  const metric = candidates.find((k) => /loss|err|acc|score|reward|f1|auc|mse|mae|perplexity/i.test(k)) ?? candidates[0];
  if (!metric) return undefined;
  return { metric, mode: /loss|err|mse|mae|rmse|perplexity/i.test(metric) ? 'min' : 'max' };
}

export function specTemplate({ name, script, reported }: TemplateOptions): string {
  const chosen = metricFor(reported ?? []);
  // Keys were read but none measures a trial: leave the metric for the user rather than invent one.
  const metricLines = chosen
    ? `  metric: ${chosen.metric}                     # ${reported?.length ? `one of the keys ${script} reports: ${reported.join(', ')}` : 'a key your script reports'}\n  mode: ${chosen.mode}`
    : reported?.length
      ? `  # metric: ...                       # ${script} reports only ${reported.join(', ')}; name the key to tune\n  # mode: min`
      : `  metric: val_loss                     # a key your script reports\n  mode: min`;
  return `# A Tunekit experiment: Ray Tune's Tuner(TorchTrainer(...)) written as data.
# Run it with the "▶ Run" lens above, or: npx tunekit run <this file>
trainer:
  command: [python3, ${script}]       # each worker runs this; it calls tunekit.report(...)
  train_loop_config:
    epochs: 10                         # constants every trial gets from tunekit.get_config()
  scaling_config:
    num_workers: 1
    resources_per_worker: {CPU: 1}
    trainer_resources: {CPU: 0}

param_space:                           # what varies between trials
  train_loop_config:
    lr: {loguniform: [1.0e-4, 1.0e-1]}
    batch_size: {choice: [32, 64]}

tune_config:
  num_samples: 4
${metricLines}
  seed: 0

run_config:
  name: ${name}
  stop: {training_iteration: 10}
  checkpoint_config:
    num_to_keep: 2
`;
}

/** A training script to go with a new spec, when the user has none yet. */
export function scriptTemplate(): string {
  return `"""A training loop Tunekit can tune: read the config, report metrics every epoch."""
import tunekit


def main():
    config = tunekit.get_config()
    lr = config.get("lr", 0.01)  # defaults let the script run on its own too
    loss = 1.0
    for epoch in range(config.get("epochs", 10)):
        loss = loss * (1 - lr)  # replace with your training step
        tunekit.report({"val_loss": loss, "epoch": epoch})


if __name__ == "__main__":
    main()
`;
}

/** A file name is a safe experiment name when it is one path segment of ordinary characters. */
export function validExperimentName(name: string): string | undefined {
  if (!name.trim()) return 'Give the experiment a name.';
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) return 'Use letters, digits, ".", "_" and "-" only.';
  return undefined;
}
