import { UsageError, type ParsedArgs } from '../../app/command_line';
import { planExperiment } from '../../app/plan_experiment';

/** `tunekit plan SPEC`: exit code 2 when some trial could never run. */
export async function planCommand(args: ParsedArgs, out: NodeJS.WriteStream): Promise<number> {
  const specPath = args.positionals[0];
  if (!specPath) throw new UsageError('usage: tunekit plan SPEC');
  const plan = await planExperiment({ specPath });
  out.write(plan.lines.join('\n') + '\n');
  return plan.neverRuns ? 2 : 0;
}
