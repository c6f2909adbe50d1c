import { UsageError, type ParsedArgs } from '../../app/command_line';
import { extendStart } from '../../app/extend_trial';
import { driveExperiment } from '../experiment_session';

const USAGE = 'usage: tunekit extend EXPERIMENT_PATH --trial TRIAL --max-iterations N [--set train_loop_config.key=value]…';

/**
 * `tunekit extend EXPERIMENT_PATH --trial T --max-iterations N [--set path=value]`: continues a
 * finished trial from its last checkpoint up to training_iteration N (ray-project/ray#4755).
 */
export async function extendCommand(args: ParsedArgs, out: NodeJS.WriteStream, err: NodeJS.WriteStream): Promise<number> {
  const experimentPath = args.positionals[0];
  const trial = args.flags.get('trial');
  const maxIterations = Number(args.flags.get('max-iterations'));
  if (!experimentPath || typeof trial !== 'string' || !Number.isInteger(maxIterations) || maxIterations < 1) throw new UsageError(USAGE);
  const start = extendStart({ experimentPath, trial, maxIterations, settings: args.all.get('set') ?? [] });
  return driveExperiment(start, args, out, err);
}
