/** The sbatch script of one trial's job: the whole gang in one allocation, the driver as its batch step. */
import type { SlurmBackend } from '../../../protocol/spec';

export interface JobScriptInput {
  backend: SlurmBackend;
  jobName: string;
  ntasks: number;
  cpusPerTask: number;
  gpusPerTask: number;
  /** Slurm's own output (the driver's stderr), `%j` is the job id. */
  output: string;
  workingDir: string;
  node: string;
  driverEntry: string;
  channelDir: string;
}

/** Quotes one word for bash: nothing in it is expanded. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export function sbatchOptions(backend: SlurmBackend): string[] {
  const options: string[] = [];
  if (backend.partition) options.push(`--partition=${backend.partition}`);
  if (backend.account) options.push(`--account=${backend.account}`);
  if (backend.qos) options.push(`--qos=${backend.qos}`);
  if (backend.time) options.push(`--time=${backend.time}`);
  if (backend.constraint) options.push(`--constraint=${backend.constraint}`);
  return options;
}

export function jobScript(input: JobScriptInput): string {
  const { backend } = input;
  const options = [
    `--job-name=${input.jobName}`,
    `--ntasks=${input.ntasks}`,
    `--nodes=${backend.nodes}`,
    `--cpus-per-task=${Math.max(1, Math.ceil(input.cpusPerTask))}`,
    ...(input.gpusPerTask > 0 ? [`--gpus-per-task=${input.gpusPerTask}`] : []),
    `--output=${input.output}`,
    '--open-mode=append',
    `--chdir=${input.workingDir}`,
    ...(backend.signal_grace_s > 0 ? [`--signal=B:USR1@${backend.signal_grace_s}`] : []),
    ...sbatchOptions(backend),
    ...backend.sbatch,
  ];
  return [
    '#!/bin/bash',
    '# Written by Tunekit: one trial of an experiment, as one job. Edits are not read back.',
    ...options.map((o) => `#SBATCH ${o}`),
    'umask 077',
    ...backend.setup,
    `exec ${shellQuote(input.node)} ${shellQuote(input.driverEntry)} --job-channel ${shellQuote(input.channelDir)}`,
    '',
  ].join('\n');
}
