import { SpecError } from '../spec/spec_error';
import { parseArgs, UsageError } from './args';
import { gpusCommand } from './commands/gpus';
import { planCommand } from './commands/plan';
import { runCommand } from './commands/run';
import { validateCommand } from './commands/validate';
import { ImpossibleRequestError } from './machine';

const USAGE = `Usage: tunekit <command> [options]

Commands:
  run SPEC [--json]          run a tuning experiment and show its live status
  validate SPEC              check a spec; print the trials and what each requests
  plan SPEC                  dry run: which trials would run at once, which wait and why
  gpus [--json]              show the detected CPUs, memory and GPUs

Exit codes: 0 success, 1 a trial or the experiment failed, 2 bad input, 130 interrupted.`;

const COMMANDS: Record<string, typeof runCommand> = {
  run: runCommand,
  validate: validateCommand,
  plan: planCommand,
  gpus: gpusCommand,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE + '\n');
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`tunekit: unknown command "${name}"\n\n${USAGE}\n`);
    return 2;
  }
  try {
    return await command(parseArgs(rest), process.stdout, process.stderr);
  } catch (err) {
    if (err instanceof SpecError || err instanceof ImpossibleRequestError || err instanceof UsageError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT' && e.path) {
      process.stderr.write(`tunekit: ${e.path}: no such file\n`);
      return 2;
    }
    process.stderr.write(`tunekit: ${e.message}\n`);
    if (process.env.TUNEKIT_DEBUG) process.stderr.write(`${e.stack}\n`);
    return 1;
  }
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
