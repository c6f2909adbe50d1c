import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ExperimentSpec } from '../../protocol/spec';
import { countByStatus, TRIAL_STATUSES } from '../../protocol/trial';
import { UserError } from '../errors/user_error';
import { stopOrphans } from '../tuner/process_identity';
import { repairAndRead } from '../tuner/experiment_repair';
import { replayExperiment } from '../tuner/experiment_replay';
import type { ResumeState, Tuner } from '../tuner/tuner';
import type { ErroredPolicy } from './requests';

/** What a Tuner starts from: a fresh spec, or an experiment replayed from its journal. */
export interface ExperimentInput {
  spec: ExperimentSpec;
  resume?: ResumeState;
  /** Lines to say before the status (what a resume repaired, orphans stopped…). */
  notes?: string[];
  /** Applied to the Tuner before it runs (e.g. `extend` reopening one trial). */
  prepare?: (tuner: Tuner) => void;
}

/** An experiment directory that an earlier run left (it has a journal). */
export function hasExperiment(experimentPath: string): boolean {
  return existsSync(join(experimentPath, 'events.jsonl')) && existsSync(join(experimentPath, 'experiment.json'));
}

export function checkErroredPolicy(policy: ErroredPolicy): void {
  if (policy.resumeErrored && policy.restartErrored) throw new UserError('choose one of resume-errored and restart-errored');
}

/**
 * Rebuilds an interrupted experiment and stops any worker an earlier (killed) runtime left
 * running, so the trial can restart cleanly from its checkpoint. Callers hold the run lock:
 * the repair of what the crash left is the one step that writes.
 */
export async function resumeInput(experimentPath: string, policy: ErroredPolicy, spec?: ExperimentSpec): Promise<ExperimentInput> {
  const repaired = await repairAndRead(experimentPath).catch((err: Error) => {
    throw new Error(err.message.startsWith('cannot ') ? err.message : `cannot resume ${experimentPath}: ${err.message}`, { cause: err });
  });
  const replayed = await replayExperiment(experimentPath, {
    resumeErrored: policy.resumeErrored,
    restartErrored: policy.restartErrored,
    read: repaired.trials,
  });
  const notes = repaired.said.map((r) => `resume: ${r}`);
  const stopped = await stopOrphans(replayed.processes, { graceMs: 3000 });
  if (stopped.length) notes.push(`resume: stopped ${stopped.length} worker process(es) left running by the previous run (pids ${stopped.join(', ')})`);
  const counts = countByStatus(replayed.trials);
  notes.push(`Resuming ${experimentPath}: ${TRIAL_STATUSES.filter((s) => counts[s]).map((s) => `${counts[s]} ${s}`).join(', ')}`);
  // The directory may have been moved or copied since it was written: it is where it is now.
  const base = spec ?? replayed.record.spec;
  const here = { ...base, run_config: { ...base.run_config, storage_path: dirname(experimentPath), name: basename(experimentPath) } };
  return {
    spec: here,
    notes,
    resume: {
      experimentId: replayed.record.experiment_id,
      trials: replayed.trials,
      searchState: replayed.searchState,
      superseded: replayed.superseded,
    },
  };
}
