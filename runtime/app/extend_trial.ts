/**
 * "Continue this finished trial to N iterations" (ray-project/ray#4755): the experiment is
 * replayed, the trial reopened from its last checkpoint, optionally with changed settings, and
 * the rest left as they ended. The one set of rules for `tunekit extend` and the editor's Extend.
 */
import { resolve } from 'node:path';
import { UserError } from '../errors/user_error';
import { applyNewConfig } from '../tuner/trial_factory';
import { reopen } from '../tuner/trial_lifecycle';
import { hasExperiment, resumeInput, type ExperimentInput } from './experiment_input';
import type { ExtendRequest } from './requests';
import type { ExperimentStart } from './start_experiment';

/** `train_loop_config.epochs=20`: a dotted path and a JSON (or bare string) value. */
export function applySetting(config: Record<string, unknown>, setting: string): Record<string, unknown> {
  const eq = setting.indexOf('=');
  if (eq <= 0) throw new UserError(`a setting (--set) needs path=value, got "${setting}"`);
  const path = setting.slice(0, eq).split('.');
  const text = setting.slice(eq + 1);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = text;
  }
  const copy = structuredClone(config);
  let node: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]] = value;
  return copy;
}

/** Checks what can be checked before the lock is taken; the rest runs under it. */
export function extendStart(request: ExtendRequest): ExperimentStart {
  const { maxIterations } = request;
  if (!Number.isInteger(maxIterations) || maxIterations < 1) throw new UserError(`the new max iterations must be a whole number of at least 1, not ${maxIterations}`);
  const experimentPath = resolve(request.experimentPath);
  if (!hasExperiment(experimentPath)) throw new UserError(`${experimentPath} is not a Tunekit experiment (no experiment.json and events.jsonl there)`);
  // A malformed setting is refused before anything is replayed.
  const settings = request.settings ?? [];
  for (const s of settings) applySetting({}, s);
  return { experimentPath, input: () => extensionInput(experimentPath, request.trial, maxIterations, settings) };
}

async function extensionInput(experimentPath: string, which: string, max: number, settings: string[]): Promise<ExperimentInput> {
  const input = await resumeInput(experimentPath, {});
  const trials = input.resume!.trials;
  const trial = trials.find((t) => t.id === which || t.name === which || String(t.index) === which || t.id.endsWith(`_${which.padStart(5, '0')}`));
  if (!trial) throw new UserError(`there is no trial "${which}" in ${experimentPath}; its trials are ${trials.map((t) => t.id).join(', ')}`);
  if (trial.status !== 'TERMINATED') throw new UserError(`trial ${trial.id} is ${trial.status}; only a TERMINATED trial can be extended (resume the experiment instead)`);
  if (trial.iteration >= max) throw new UserError(`trial ${trial.id} is already at training_iteration ${trial.iteration}; ask for more than that`);
  const unfinished = trials.filter((t) => t.status === 'PENDING' || t.status === 'PAUSED' || t.status === 'RUNNING');
  if (unfinished.length) throw new UserError(`${experimentPath} has ${unfinished.length} unfinished trial(s); resume it to the end first, then extend`);
  if (trial.checkpoints.length === 0) throw new UserError(`trial ${trial.id} saved no checkpoint to continue from`);
  input.prepare = () => {
    let config = trial.config;
    for (const s of settings) config = applySetting(config, s);
    if (settings.length) applyNewConfig(input.spec, trial, config);
    reopen(trial, { kind: 'extend', to: max });
  };
  return input;
}
