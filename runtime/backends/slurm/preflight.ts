/**
 * A one-task job before the first trial, which checks on a compute node what every trial job
 * will need there: the storage path on a shared filesystem (it reads a token this machine
 * wrote, and its answer must come back the same way), the Node binary and driver bundle the
 * in-job driver runs on, and the workers' interpreter. Each missing piece is one sentence.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SlurmBackend } from '../../../protocol/spec';
import { ImpossibleRequestError } from '../local_machine';
import { sbatchOptions, shellQuote } from './batch_script';
import type { SlurmCommands } from './slurm_commands';

export interface PreflightInput {
  backend: SlurmBackend;
  commands: SlurmCommands;
  storagePath: string;
  node: string;
  driverEntry: string;
  /** The workers' program (an absolute interpreter path, or a name looked up on the node's PATH). */
  program: string;
  partition: string;
  /** Progress while the job waits in the queue. */
  say?: (line: string) => void;
}

const POLL_MS = 500;

export async function runPreflight(input: PreflightInput): Promise<void> {
  const createdStorage = !existsSync(input.storagePath);
  const dir = join(input.storagePath, `.tunekit-preflight-${randomBytes(4).toString('hex')}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    await check(input, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    if (createdStorage) rmSync(input.storagePath, { recursive: true, force: true });
  }
}

async function check(input: PreflightInput, dir: string): Promise<void> {
  const token = randomBytes(16).toString('hex');
  writeFileSync(join(dir, 'marker'), token, { mode: 0o600 });
  const q = shellQuote;
  const result = join(dir, 'result');
  const script = [
    '#!/bin/bash',
    '#SBATCH --job-name=tunekit-preflight',
    '#SBATCH --ntasks=1',
    `#SBATCH --output=${join(dir, 'out.txt')}`,
    ...sbatchOptions({ ...input.backend, partition: input.partition }).map((o) => `#SBATCH ${o}`),
    ...(input.backend.time ? [] : ['#SBATCH --time=5']),
    'umask 077',
    ...input.backend.setup,
    '{',
    `  [ "$(cat ${q(join(dir, 'marker'))} 2>/dev/null)" = ${q(token)} ] && echo storage=ok || echo storage=missing`,
    `  ${q(input.node)} -e 0 >/dev/null 2>&1 && echo node=ok || echo node=missing`,
    `  [ -r ${q(input.driverEntry)} ] && echo driver=ok || echo driver=missing`,
    `  command -v ${q(input.program)} >/dev/null 2>&1 && echo program=ok || echo program=missing`,
    `} > ${q(result)}.tmp 2>&1`,
    `mv -f ${q(result)}.tmp ${q(result)}`,
    '',
  ].join('\n');
  const scriptPath = join(dir, 'preflight.sh');
  writeFileSync(scriptPath, script, { mode: 0o700 });
  const jobId = await input.commands.sbatch(scriptPath, dir);
  let lastReason = '';
  for (;;) {
    const seen = (await input.commands.squeue()).get(jobId);
    if (!seen || !['PENDING', 'RUNNING', 'CONFIGURING', 'COMPLETING'].includes(seen.state)) break;
    if (seen.state === 'PENDING' && seen.reason !== lastReason) {
      lastReason = seen.reason;
      input.say?.(`preflight job ${jobId} is queued (${seen.reason})`);
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  // The answer may trail the job's end on a network filesystem.
  for (let i = 0; i < 20 && !existsSync(result); i++) await new Promise((r) => setTimeout(r, 250));
  if (!existsSync(result)) {
    const out = existsSync(join(dir, 'out.txt')) ? readFileSync(join(dir, 'out.txt'), 'utf8').trim().split('\n').slice(-3).join(' | ') : '';
    throw new ImpossibleRequestError(
      `the Slurm preflight job ${jobId} ran, but its answer never reached ${input.storagePath}: ` +
        `run_config.storage_path must be on a filesystem the compute nodes share with this machine${out ? ` (job output: ${out})` : ''}`,
    );
  }
  const answers = new Map(readFileSync(result, 'utf8').trim().split('\n').map((l) => l.split('=') as [string, string]));
  const missing: string[] = [];
  if (answers.get('storage') !== 'ok') missing.push(`run_config.storage_path (${input.storagePath}) is not the same folder on the compute nodes: put it on the shared filesystem`);
  if (answers.get('node') !== 'ok') missing.push(`the Node.js binary ${input.node} does not run on the compute nodes: set backend.node to a Node 20 binary they can see`);
  if (answers.get('driver') !== 'ok') missing.push(`Tunekit's driver ${input.driverEntry} is not visible on the compute nodes: install Tunekit on the shared filesystem`);
  if (answers.get('program') !== 'ok') missing.push(`the workers' program ${input.program} is not found on the compute nodes: add what loads it to backend.setup (module load …, source venv)`);
  if (missing.length) throw new ImpossibleRequestError(`the Slurm preflight job ${jobId} found what trials would lack: ${missing.join('; ')}`);
}
