import { parseArgs, type CommandShape } from '../app/command_line';
import { UserError } from '../errors/user_error';
import { closestName } from '../spec/did_you_mean';
import { fileErrorWords, isUserFileError } from '../spec/wording';
import { clusterCommand } from './commands/cluster';
import { gpusCommand } from './commands/gpus';
import { planCommand } from './commands/plan';
import { extendCommand } from './commands/extend';
import { resumeCommand } from './commands/resume';
import { runCommand } from './commands/run';
import { validateCommand } from './commands/validate';

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
  cluster [--json]           show the Slurm cluster (partitions, nodes, GPUs) and Tunekit's jobs

Exit codes: 0 success, 1 a trial or the experiment failed, 2 bad input, 130 interrupted.`;

const HELP = { help: { type: 'boolean', short: 'h' } } as const;
const ERRORED = { 'resume-errored': { type: 'boolean' }, 'restart-errored': { type: 'boolean' } } as const;

const COMMANDS: Record<string, CommandShape & { run: typeof runCommand }> = {
  run: { run: runCommand, positionals: 1, flags: { ...HELP, json: { type: 'boolean' }, ...ERRORED }, usage: 'usage: tunekit run SPEC [--json] [--resume-errored | --restart-errored]' },
  resume: {
    run: resumeCommand,
    positionals: 1,
    flags: { ...HELP, json: { type: 'boolean' }, ...ERRORED },
    usage: 'usage: tunekit resume EXPERIMENT_PATH [--json] [--resume-errored | --restart-errored]',
  },
  extend: {
    run: extendCommand,
    positionals: 1,
    flags: { ...HELP, json: { type: 'boolean' }, trial: { type: 'string' }, 'max-iterations': { type: 'string' }, set: { type: 'string', multiple: true } },
    usage: 'usage: tunekit extend EXPERIMENT_PATH --trial TRIAL --max-iterations N [--set train_loop_config.key=value]… [--json]',
  },
  validate: { run: validateCommand, positionals: 1, flags: { ...HELP }, usage: 'usage: tunekit validate SPEC' },
  plan: { run: planCommand, positionals: 1, flags: { ...HELP }, usage: 'usage: tunekit plan SPEC' },
  gpus: { run: gpusCommand, positionals: 0, flags: { ...HELP, json: { type: 'boolean' } }, usage: 'usage: tunekit gpus [--json]' },
  cluster: { run: clusterCommand, positionals: 0, flags: { ...HELP, json: { type: 'boolean' } }, usage: 'usage: tunekit cluster [--json]' },
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(USAGE + '\n');
    return name ? 0 : 2;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    const guess = closestName(name, Object.keys(COMMANDS));
    process.stderr.write(`tunekit: unknown command "${name}"${guess ? `; did you mean ${guess}?` : ''}\n\n${USAGE}\n`);
    return 2;
  }
  try {
    const args = parseArgs(rest, command);
    if (args.flags.has('help')) {
      process.stdout.write(`${command.usage}\n`);
      return 0;
    }
    return await command.run(args, process.stdout, process.stderr);
  } catch (err) {
    if (err instanceof UserError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    const e = err as NodeJS.ErrnoException;
    if (e.syscall && e.code) {
      // A file-system refusal is a sentence, never errno text; one the user can fix (a file where a
      // folder goes, no permission, a full disk) is bad input.
      process.stderr.write(`tunekit: ${e.path ? `cannot use ${e.path}: ` : ''}${fileErrorWords(e)}\n`);
      if (process.env.TUNEKIT_DEBUG) process.stderr.write(`${e.stack}\n`);
      return isUserFileError(e) ? 2 : 1;
    }
    process.stderr.write(`tunekit: ${e.message}\n`);
    if (process.env.TUNEKIT_DEBUG) process.stderr.write(`${e.stack}\n`);
    return 1;
  }
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
