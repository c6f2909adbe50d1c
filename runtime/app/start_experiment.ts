/**
 * Starting a Tuner, the one sequence both shells use: a use case (run, resume, extend) checks
 * its request and names the experiment directory; `openExperiment` then takes the run lock,
 * builds the input under it (replaying the journal, stopping leftover workers), prepares where
 * the trials run and constructs the Tuner. What drives it to its end is the shell's own.
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ExperimentSpec } from '../../protocol/spec';
import { prepareBackend } from '../backends/backend_setup';
import { UserError } from '../errors/user_error';
import type { HardwareReport } from '../hardware/report';
import type { TrialLedger } from '../resources/machine_ledger';
import { loadSpec } from '../spec/load';
import { acquireRunLock, type RunLock } from '../tuner/run_lock';
import { Tuner, type Capacity } from '../tuner/tuner';
import { checkErroredPolicy, hasExperiment, resumeInput, type ExperimentInput } from './experiment_input';
import type { ResumeRequest, RunRequest } from './requests';
import { checkSearchSetup } from './search_setup';

/** An experiment about to be opened: where it lives, and its input, built once the lock is held. */
export interface ExperimentStart {
  experimentPath: string;
  input: () => Promise<ExperimentInput>;
}

/**
 * `run`: every check, the machine's included, passes before the results folder is made
 * (issue #12). Results already there are resumed, as `resume` would.
 */
export async function runStart(request: RunRequest, hardware: HardwareReport): Promise<ExperimentStart> {
  checkErroredPolicy(request);
  const spec = await loadSpec(resolve(request.specPath), { hardware });
  const experimentPath = join(spec.run_config.storage_path, spec.run_config.name);
  return { experimentPath, input: async () => (hasExperiment(experimentPath) ? resumeInput(experimentPath, request, spec) : { spec }) };
}

/** `resume`: an interrupted experiment continues from its journal (Ray's Tuner.restore). */
export function resumeStart(request: ResumeRequest): ExperimentStart {
  checkErroredPolicy(request);
  const experimentPath = resolve(request.experimentPath);
  if (!hasExperiment(experimentPath)) throw new UserError(`${experimentPath} is not a Tunekit experiment (no experiment.json and events.jsonl there)`);
  return { experimentPath, input: () => resumeInput(experimentPath, request) };
}

export interface OpenOptions {
  /** Progress lines while the backend is prepared (a queued preflight job). */
  say?: (line: string) => void;
  /** The seat on a ledger this process's experiments share; by default the machine is this one's alone. */
  ledgerFor?: (capacity: Capacity) => TrialLedger;
}

/** A Tuner ready to run, and the lock its caller releases once it has ended. */
export interface OpenedExperiment {
  tuner: Tuner;
  spec: ExperimentSpec;
  capacity: Capacity;
  lock: RunLock;
  /** What a resume repaired or stopped, and the Tuner's own note: to say before the status. */
  notes: string[];
}

/**
 * The lock is taken before the input is built, so replaying the journal and stopping leftover
 * workers can never touch an experiment another runtime is driving.
 */
export async function openExperiment(start: ExperimentStart, options: OpenOptions = {}): Promise<OpenedExperiment> {
  await mkdir(start.experimentPath, { recursive: true });
  const lock = await acquireRunLock(start.experimentPath);
  try {
    const input = await start.input();
    checkSearchSetup(input.spec);
    const backend = await prepareBackend(input.spec, { say: options.say, skipPreflight: input.resume !== undefined });
    const { capacity } = backend;
    const ledger = backend.ledger ?? options.ledgerFor?.(capacity);
    let tuner: Tuner;
    try {
      tuner = new Tuner({ spec: input.spec, capacity, machine: backend.machine, resume: input.resume, ledger, launcher: backend.launcher });
      input.prepare?.(tuner);
    } catch (err) {
      ledger?.close(); // a seat on a shared ledger must not outlive a Tuner that never ran
      throw err;
    }
    const notes = [...(input.notes ?? []), ...(tuner.resumeNote ? [tuner.resumeNote] : [])];
    return { tuner, spec: input.spec, capacity, lock, notes };
  } catch (err) {
    lock.release();
    throw err;
  }
}
