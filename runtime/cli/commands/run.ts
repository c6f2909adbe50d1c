import { join } from 'node:path';
import { detectHardware } from '../../hardware/detect';
import { loadSpec } from '../../spec/load';
import type { ParsedArgs } from '../args';
import { UsageError } from '../args';
import { driveExperiment } from '../experiment_session';
import { hasExperiment, resumeInput } from '../resume_input';

/**
 * `tunekit run SPEC`: runs a tuning experiment with a live status block. Run again with the
 * same spec and name, it resumes what is unfinished (as `tunekit resume`).
 */
export async function runCommand(args: ParsedArgs, out: NodeJS.WriteStream, err: NodeJS.WriteStream): Promise<number> {
  const file = args.positionals[0];
  if (!file) throw new UsageError('usage: tunekit run SPEC [--json] [--resume-errored | --restart-errored]');
  // Every check runs here, before driveExperiment creates the results folder (issue #12).
  const spec = await loadSpec(file, { hardware: await detectHardware() });
  const experimentPath = join(spec.run_config.storage_path, spec.run_config.name);
  return driveExperiment(
    experimentPath,
    async () => (hasExperiment(experimentPath) ? resumeInput(experimentPath, args, spec) : { spec }),
    args,
    out,
    err,
  );
}
