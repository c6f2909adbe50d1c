import { UsageError, type ParsedArgs } from '../../app/command_line';
import type { ErroredPolicy } from '../../app/requests';
import { resumeStart } from '../../app/start_experiment';
import { driveExperiment } from '../experiment_session';

export function erroredPolicy(args: ParsedArgs): ErroredPolicy {
  return { resumeErrored: args.flags.has('resume-errored'), restartErrored: args.flags.has('restart-errored') };
}

/** `tunekit resume EXPERIMENT_PATH`: continues an interrupted experiment from its journal (Ray's Tuner.restore). */
export async function resumeCommand(args: ParsedArgs, out: NodeJS.WriteStream, err: NodeJS.WriteStream): Promise<number> {
  const experimentPath = args.positionals[0];
  if (!experimentPath) throw new UsageError('usage: tunekit resume EXPERIMENT_PATH [--json] [--resume-errored | --restart-errored]');
  return driveExperiment(resumeStart({ experimentPath, ...erroredPolicy(args) }), args, out, err);
}
