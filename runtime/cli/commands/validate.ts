import { UsageError, type ParsedArgs } from '../../app/command_line';
import { validateSpec } from '../../app/validate_spec';
import { detectHardware } from '../../hardware/detect';

/** `tunekit validate SPEC`: the spec is valid, how many trials it makes, and what each asks for. */
export async function validateCommand(args: ParsedArgs, out: NodeJS.WriteStream): Promise<number> {
  const file = args.positionals[0];
  if (!file) throw new UsageError('usage: tunekit validate SPEC');
  out.write((await validateSpec(file, await detectHardware())).join('\n') + '\n');
  return 0;
}
