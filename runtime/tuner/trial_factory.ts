import { join } from 'node:path';
import type { ExperimentSpec } from '../../protocol/spec';
import type { Suggestion } from '../search/searcher';
import { trialDirName } from '../storage/trial_dir_name';
import { resolveTrialConfig, type TrialRecord } from './trial_record';

export const TRAINABLE_NAME = 'TorchTrainer';

/** Ray's trial id: the experiment's 5-hex id and the trial's index. */
export function trialId(experimentId: string, index: number): string {
  return `${experimentId}_${String(index).padStart(5, '0')}`;
}

/** A new PENDING trial for a searcher's suggestion. */
export function createTrial(
  spec: ExperimentSpec,
  experimentPath: string,
  experimentId: string,
  index: number,
  suggestion: Suggestion,
): TrialRecord {
  const name = trialDirName(TRAINABLE_NAME, experimentId, index, suggestion.sampled);
  return {
    id: trialId(experimentId, index),
    index,
    name,
    dir: join(experimentPath, name),
    config: suggestion.config,
    sampled: suggestion.sampled,
    ...resolveTrialConfig(spec, suggestion.config),
    status: 'PENDING',
    iteration: 0,
    timeTotalS: 0,
    checkpoints: [],
    trainFailures: 0,
    tuneFailures: 0,
    iterationsSinceRestore: 0,
    failuresWithoutProgress: 0,
  };
}

/** PBT gives a trial a new config mid-run; its resources and worker config follow it. */
export function applyNewConfig(spec: ExperimentSpec, trial: TrialRecord, config: Record<string, unknown>): void {
  trial.config = config;
  Object.assign(trial, resolveTrialConfig(spec, config));
  trial.sampled = trial.sampled.map((leaf) => ({ path: leaf.path, value: valueAt(config, leaf.path) }));
}

function valueAt(config: Record<string, unknown>, path: string): unknown {
  return path.split('/').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), config);
}
