import { resolve } from 'node:path';
import type { ParsedArgs } from '../args';
import { UsageError } from '../args';
import { driveExperiment } from '../experiment_session';
import { hasExperiment, resumeInput } from '../resume_input';

/** `tunekit resume EXPERIMENT_PATH`: continues an interrupted experiment from its journal (Ray's Tuner.restore). */
export async function resumeCommand(args: ParsedArgs, out: NodeJS.WriteStream, err: NodeJS.WriteStream): Promise<number> {
  const path = args.positionals[0];
  if (!path) throw new UsageError('usage: tunekit resume EXPERIMENT_PATH [--json] [--resume-errored | --restart-errored]');
  const experimentPath = resolve(path);
  if (!hasExperiment(experimentPath)) throw new UsageError(`${experimentPath} is not a Tunekit experiment (no experiment.json and events.jsonl there)`);
  return driveExperiment(experimentPath, () => resumeInput(experimentPath, args), args, out, err);
}
