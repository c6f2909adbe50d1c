/**
 * Command lines read strictly with node:util's parseArgs: a flag a command does not know is a
 * usage error (exit 2), never silently ignored (issue #12: `tunekit gpus --jsn` printed text).
 * Both entry points (the CLI and the daemon) read their arguments with it.
 */
import { parseArgs as parseNodeArgs } from 'node:util';
import { UserError } from '../errors/user_error';
import { closestName } from '../spec/did_you_mean';

export interface ParsedArgs {
  positionals: string[];
  flags: Map<string, string | true>;
  /** Every value of a repeatable flag, in order. */
  all: Map<string, string[]>;
}

/** A command line that does not say what its command needs. */
export class UsageError extends UserError {}

/** The flags one command takes: `--name` alone, or `--name VALUE` (repeatable when `multiple`). */
export type FlagSpec = Record<string, { type: 'boolean' | 'string'; multiple?: boolean; short?: string }>;

export interface CommandShape {
  flags: FlagSpec;
  /** At most this many positional arguments. */
  positionals: number;
  /** `tunekit run SPEC [--json]`, shown with every usage error. */
  usage: string;
}

export function parseArgs(argv: string[], shape: CommandShape): ParsedArgs {
  const known = Object.keys(shape.flags);
  // A lenient pass finds every unknown flag first, so the message can name it and guess.
  const { tokens } = parseNodeArgs({ args: argv, options: shape.flags, strict: false, allowPositionals: true, tokens: true });
  for (const token of tokens) {
    if (token.kind !== 'option' || known.includes(token.name)) continue;
    const guess = closestName(token.name, known);
    const hint = guess ? `did you mean --${guess}?` : known.length ? `it takes ${known.map((k) => `--${k}`).join(', ')}` : 'it takes no options';
    throw new UsageError(`unknown option ${token.rawName}; ${hint}\n${shape.usage}`);
  }
  let parsed: ReturnType<typeof parseNodeArgs>;
  try {
    parsed = parseNodeArgs({ args: argv, options: shape.flags, strict: true, allowPositionals: true });
  } catch (err) {
    throw new UsageError(`${parseErrorText((err as Error).message)}\n${shape.usage}`);
  }
  if (parsed.positionals.length > shape.positionals) {
    const extra = parsed.positionals.slice(shape.positionals).map((p) => JSON.stringify(p)).join(' ');
    throw new UsageError(`unexpected argument ${extra}\n${shape.usage}`);
  }
  const flags = new Map<string, string | true>();
  const all = new Map<string, string[]>();
  for (const [name, value] of Object.entries(parsed.values)) {
    if (value === undefined || value === false) continue;
    const values = (Array.isArray(value) ? value : [value]).map((v) => (v === true ? true : String(v)));
    const last = values[values.length - 1];
    flags.set(name, last);
    const strings = values.filter((v): v is string => v !== true);
    if (strings.length) all.set(name, strings);
  }
  return { positionals: parsed.positionals, flags, all };
}

/** node's wording ("Option '--trial <value>' argument missing") as a sentence about the flag. */
function parseErrorText(message: string): string {
  const flag = /^Option '(-[^' ]+)/.exec(message)?.[1];
  if (flag && /argument missing/.test(message)) return `${flag} needs a value`;
  if (flag && /does not take an argument/.test(message)) return `${flag} takes no value`;
  return `${message.charAt(0).toLowerCase()}${message.slice(1)}`;
}
