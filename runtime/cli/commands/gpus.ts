import { describeMachine } from '../../app/describe_machine';
import type { ParsedArgs } from '../../app/command_line';

/** `tunekit gpus [--json]`: what was detected, and how. */
export async function gpusCommand(args: ParsedArgs, out: NodeJS.WriteStream): Promise<number> {
  const { report, lines } = await describeMachine();
  out.write(args.flags.has('json') ? JSON.stringify(report, null, 2) + '\n' : lines.join('\n') + '\n');
  return 0;
}
