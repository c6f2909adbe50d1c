import { UsageError, type ParsedArgs } from '../../app/command_line';
import { runStart } from '../../app/start_experiment';
import { detectHardware } from '../../hardware/detect';
import { driveExperiment } from '../experiment_session';
import { erroredPolicy } from './resume';

/**
 * `tunekit run SPEC`: runs a tuning experiment with a live status block. Run again with the
 * same spec and name, it resumes what is unfinished (as `tunekit resume`).
 */
export async function runCommand(args: ParsedArgs, out: NodeJS.WriteStream, err: NodeJS.WriteStream): Promise<number> {
  const specPath = args.positionals[0];
  if (!specPath) throw new UsageError('usage: tunekit run SPEC [--json] [--resume-errored | --restart-errored]');
  const start = await runStart({ specPath, ...erroredPolicy(args) }, await detectHardware());
  return driveExperiment(start, args, out, err);
}
