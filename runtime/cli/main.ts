import { SpecError } from '../spec/spec_error';
import { parseArgs, UsageError } from './args';
import { gpusCommand } from './commands/gpus';
import { planCommand } from './commands/plan';
import { extendCommand } from './commands/extend';
import { resumeCommand } from './commands/resume';
import { runCommand } from './commands/run';
import { validateCommand } from './commands/validate';
import { ExperimentLockedError } from '../tuner/run_lock';
import { ImpossibleRequestError } from './machine';

const USAGE = `Usage: tunekit <command> [options]

Commands:
  run SPEC [--json]          run a tuning experiment and show its live status
                             (run again with the same name: resume what is unfinished)
  resume EXPERIMENT_PATH     continue an interrupted experiment from its journal
         [--resume-errored | --restart-errored]
  extend EXPERIMENT_PATH --trial T --max-iterations N [--set path=value]
                             continue a finished trial from its last checkpoint
  validate SPEC              check a spec; print the trials and what each requests
  plan SPEC                  dry run: which trials would run at once, which wait and why
  gpus [--json]              show the detected CPUs, memory and GPUs

Exit codes: 0 success, 1 a trial or the experiment failed, 2 bad input, 130 interrupted.`;

const VALUED_FLAGS = ['trial', 'max-iterations', 'set'];

const COMMANDS: Record<string, typeof runCommand> = {
  run: runCommand,
  resume: resumeCommand,
  extend: extendCommand,
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
    return await command(parseArgs(rest, VALUED_FLAGS), process.stdout, process.stderr);
  } catch (err) {
    if (err instanceof SpecError || err instanceof ImpossibleRequestError || err instanceof UsageError || err instanceof ExperimentLockedError) {
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
