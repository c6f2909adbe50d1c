import { TRIAL_TRANSITIONS, type TrialStatus } from '../../protocol/trial';

export class IllegalTransitionError extends Error {}

/** Checks a status change against the table; trial_lifecycle.ts is its only caller. Finished trials never change. */
export function transition(trial: { id: string; status: TrialStatus }, to: TrialStatus): void {
  if (!TRIAL_TRANSITIONS[trial.status].includes(to)) {
    throw new IllegalTransitionError(`trial ${trial.id} cannot go from ${trial.status} to ${to}`);
  }
  trial.status = to;
}

export function isFinished(status: TrialStatus): boolean {
  return status === 'TERMINATED' || status === 'ERROR';
}
