import { resolve } from 'node:path';
import { transition } from '../../tuner/trial_status';
import { applyNewConfig } from '../../tuner/trial_factory';
import type { ParsedArgs } from '../args';
import { UsageError } from '../args';
import { driveExperiment, type SessionInput } from '../experiment_session';
import { hasExperiment, resumeInput } from '../resume_input';

/** `--set train_loop_config.epochs=20`: a dotted path and a JSON (or bare string) value. */
export function applySetting(config: Record<string, unknown>, setting: string): Record<string, unknown> {
  const eq = setting.indexOf('=');
  if (eq <= 0) throw new UsageError(`--set needs path=value, got "${setting}"`);
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

/**
 * `tunekit extend EXPERIMENT_PATH --trial T --max-iterations N [--set path=value]`: continues a
 * finished trial from its last checkpoint up to training_iteration N (ray-project/ray#4755).
 */
export async function extendCommand(args: ParsedArgs, out: NodeJS.WriteStream, err: NodeJS.WriteStream): Promise<number> {
  const path = args.positionals[0];
  const which = args.flags.get('trial');
  const max = Number(args.flags.get('max-iterations'));
  if (!path || typeof which !== 'string' || !Number.isInteger(max) || max < 1) {
    throw new UsageError('usage: tunekit extend EXPERIMENT_PATH --trial TRIAL --max-iterations N [--set train_loop_config.key=value]…');
  }
  const experimentPath = resolve(path);
  if (!hasExperiment(experimentPath)) throw new UsageError(`${experimentPath} is not a Tunekit experiment`);
  return driveExperiment(experimentPath, () => prepareExtension(experimentPath, which, max, args), args, out, err);
}

async function prepareExtension(experimentPath: string, which: string, max: number, args: ParsedArgs): Promise<SessionInput> {
  const input = await resumeInput(experimentPath, args);
  const trials = input.resume!.trials;
  const trial = trials.find((t) => t.id === which || t.name === which || String(t.index) === which || t.id.endsWith(`_${which.padStart(5, '0')}`));
  if (!trial) throw new UsageError(`no trial "${which}" in ${experimentPath}; trials are ${trials.map((t) => t.id).join(', ')}`);
  if (trial.status !== 'TERMINATED') throw new UsageError(`trial ${trial.id} is ${trial.status}; only a TERMINATED trial can be extended (resume the experiment instead)`);
  if (trial.iteration >= max) throw new UsageError(`trial ${trial.id} is already at training_iteration ${trial.iteration}; ask for more than that`);
  const unfinished = trials.filter((t) => t.status === 'PENDING' || t.status === 'PAUSED' || t.status === 'RUNNING');
  if (unfinished.length) throw new UsageError(`${experimentPath} has ${unfinished.length} unfinished trial(s); finish it with tunekit resume first, then extend`);
  if (trial.checkpoints.length === 0) throw new UsageError(`trial ${trial.id} has no checkpoint to continue from`);
  input.prepare = () => {
    const settings = args.all.get('set') ?? [];
    let config = trial.config;
    for (const s of settings) config = applySetting(config, s);
    if (settings.length) applyNewConfig(input.spec, trial, config);
    transition(trial, 'PENDING');
    trial.extendTo = max;
    trial.endReason = undefined;
    trial.resumeFirst = true;
  };
  return input;
}
