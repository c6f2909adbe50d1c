import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ExperimentSpec } from '../../protocol/spec';
import { stopOrphans } from '../tuner/process_identity';
import { repairExperiment } from '../tuner/experiment_repair';
import { replayExperiment } from '../tuner/experiment_replay';
import type { ParsedArgs } from './args';
import { UsageError } from './args';
import type { SessionInput } from './experiment_session';

/** An experiment directory that an earlier run left (it has a journal). */
export function hasExperiment(experimentPath: string): boolean {
  return existsSync(join(experimentPath, 'events.jsonl')) && existsSync(join(experimentPath, 'experiment.json'));
}

/**
 * Rebuilds an interrupted experiment and stops any worker an earlier (killed) runtime left
 * running, so the trial can restart cleanly from its checkpoint. Callers hold the run lock:
 * the repair of what the crash left is the one step that writes.
 */
export async function resumeInput(experimentPath: string, args: ParsedArgs, spec?: ExperimentSpec): Promise<SessionInput> {
  const resumeErrored = args.flags.has('resume-errored');
  const restartErrored = args.flags.has('restart-errored');
  if (resumeErrored && restartErrored) throw new UsageError('choose one of --resume-errored and --restart-errored');
  const repaired = await repairExperiment(experimentPath).catch((err: Error) => {
    throw new Error(err.message.startsWith('cannot ') ? err.message : `cannot resume ${experimentPath}: ${err.message}`, { cause: err });
  });
  const replayed = await replayExperiment(experimentPath, { resumeErrored, restartErrored });
  const notes = repaired.map((r) => `resume: ${r}`);
  const stopped = await stopOrphans(replayed.processes, { graceMs: 3000 });
  if (stopped.length) notes.push(`resume: stopped ${stopped.length} worker process(es) left running by the previous run (pids ${stopped.join(', ')})`);
  const counts = new Map<string, number>();
  for (const t of replayed.trials) counts.set(t.status, (counts.get(t.status) ?? 0) + 1);
  notes.push(`Resuming ${experimentPath}: ${[...counts].map(([s, n]) => `${n} ${s}`).join(', ')}`);
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
