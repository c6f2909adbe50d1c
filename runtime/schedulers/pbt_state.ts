/** What PBT keeps per trial, and its JSON form. */
import { decodeNumber, encodeNumber } from './result_values';
import { isMapping } from './saved_state';

export interface PbtTrial {
  index: number;
  /** The config the trial trains with now (the new one after an exploit). */
  config: Record<string, unknown>;
  /** Signed so that higher is better; set at each perturbation time. */
  lastScore?: number;
  lastIteration?: number;
  lastPerturbationTime: number;
  lastTrainTime: number;
  /** Set only while the trial was in the top quantile at its last perturbation time. */
  checkpoint?: { name: string; iteration: number };
  finished: boolean;
}

export function savePbtTrials(trials: Map<string, PbtTrial>): unknown[] {
  return [...trials].map(([id, t]) => ({
    id,
    index: t.index,
    config: structuredClone(t.config),
    last_score: t.lastScore === undefined ? null : encodeNumber(t.lastScore),
    last_iteration: t.lastIteration ?? null,
    last_perturbation_time: encodeNumber(t.lastPerturbationTime),
    last_train_time: encodeNumber(t.lastTrainTime),
    checkpoint: t.checkpoint ? { ...t.checkpoint } : null,
    finished: t.finished,
  }));
}

export function restorePbtTrials(scheduler: string, saved: unknown[]): Map<string, PbtTrial> {
  const trials = new Map<string, PbtTrial>();
  for (const entry of saved) {
    const trial = isMapping(entry) ? readTrial(entry) : undefined;
    if (!trial) throw new Error(`cannot restore the ${scheduler} scheduler's state: a trial entry is malformed (${JSON.stringify(entry)})`);
    trials.set(trial[0], trial[1]);
  }
  return trials;
}

function readTrial(entry: Record<string, unknown>): [string, PbtTrial] | undefined {
  const { id, index, config, last_score: score, last_iteration: iteration, checkpoint, finished } = entry;
  const perturbed = decodeNumber(entry.last_perturbation_time);
  const trained = decodeNumber(entry.last_train_time);
  const lastScore = score === null ? undefined : decodeNumber(score);
  const validCheckpoint =
    checkpoint === null || (isMapping(checkpoint) && typeof checkpoint.name === 'string' && typeof checkpoint.iteration === 'number');
  if (typeof id !== 'string' || !Number.isInteger(index) || !isMapping(config) || perturbed === undefined || trained === undefined)
    return undefined;
  if (
    (score !== null && lastScore === undefined) ||
    !(iteration === null || typeof iteration === 'number') ||
    !validCheckpoint ||
    typeof finished !== 'boolean'
  )
    return undefined;
  const trial: PbtTrial = { index: index as number, config, lastPerturbationTime: perturbed, lastTrainTime: trained, finished };
  if (lastScore !== undefined) trial.lastScore = lastScore;
  if (typeof iteration === 'number') trial.lastIteration = iteration;
  if (checkpoint) trial.checkpoint = { name: checkpoint.name as string, iteration: checkpoint.iteration as number };
  return [id, trial];
}
