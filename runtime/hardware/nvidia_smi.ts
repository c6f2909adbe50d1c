/**
 * Asks nvidia-smi for the NVIDIA GPUs, asynchronously and with a deadline. Not through
 * systeminformation.graphics(): that runs nvidia-smi synchronously and only after lspci
 * succeeds (see shared/FACTS.md, "GPU detection").
 */
import { runBounded } from './bounded_run';
import { findExecutable } from './find_executable';
import { NVIDIA_SMI_QUERY_ARGS, parseNvidiaSmiCsv } from './nvidia_smi_csv';
import type { GpuInfo } from './report';

export interface NvidiaSmiOptions {
  /** Where PATH is read from, and the environment nvidia-smi runs in. */
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** `absent`: not on PATH; `failed`: it ran but gave no usable answer; `ok`: it answered. */
export type NvidiaSmiQuery =
  | { status: 'absent' | 'failed'; gpus: []; notes: string[] }
  | { status: 'ok'; gpus: GpuInfo[]; notes: string[] };

export const DEFAULT_NVIDIA_SMI_TIMEOUT_MS = 5000;

export async function queryNvidiaSmi(opts: NvidiaSmiOptions = {}): Promise<NvidiaSmiQuery> {
  const env = opts.env ?? process.env;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_NVIDIA_SMI_TIMEOUT_MS;
  const failed = (note: string): NvidiaSmiQuery => ({ status: 'failed', gpus: [], notes: [note] });

  const path = await findExecutable('nvidia-smi', env);
  if (!path) return { status: 'absent', gpus: [], notes: ['nvidia-smi not found on PATH'] };

  const outcome = await runBounded(path, NVIDIA_SMI_QUERY_ARGS, { env, timeoutMs });
  switch (outcome.kind) {
    case 'not-started':
      return failed(`nvidia-smi at ${path} could not be started: ${outcome.message}`);
    case 'timed-out':
      return failed(`nvidia-smi did not answer within ${timeoutMs} ms and was stopped`);
    case 'output-too-large':
      return failed('nvidia-smi printed far more than a GPU list and was stopped');
    case 'exited':
      break;
  }
  if (outcome.signal) return failed(`nvidia-smi was killed by ${outcome.signal}`);
  if (outcome.code !== 0) {
    const message = firstLine(outcome.stdout) ?? firstLine(outcome.stderr);
    return failed(`nvidia-smi exited with code ${outcome.code}${message ? `: ${message}` : ''}`);
  }

  const { gpus, skipped } = parseNvidiaSmiCsv(outcome.stdout);
  const notes = skipped.map((line) => `ignored an nvidia-smi line that is not a GPU row: "${line}"`);
  if (gpus.length === 0 && skipped.length > 0) {
    return { status: 'failed', gpus: [], notes: ['nvidia-smi output could not be read as a GPU list', ...notes] };
  }
  notes.unshift(gpus.length === 0 ? 'nvidia-smi listed no GPUs' : `${gpus.length} NVIDIA GPU${gpus.length === 1 ? '' : 's'} found`);
  return { status: 'ok', gpus, notes };
}

/** The live refresh for views: the same query, no CPU or memory probing; [] when unavailable. */
export async function queryGpuUtilization(opts: NvidiaSmiOptions = {}): Promise<GpuInfo[]> {
  return (await queryNvidiaSmi(opts)).gpus;
}

function firstLine(text: string): string | undefined {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .find((line) => line !== '');
}
