/** Trial lifecycle, shared by the runtime (which owns it) and the views (which draw it). */

export type TrialStatus = 'PENDING' | 'RUNNING' | 'PAUSED' | 'TERMINATED' | 'ERROR';

export const TRIAL_STATUSES: readonly TrialStatus[] = ['PENDING', 'RUNNING', 'PAUSED', 'TERMINATED', 'ERROR'];

/** How many trials are in each status; every status is present, zero when none is. */
export function countByStatus(trials: Iterable<{ status: TrialStatus }>): Record<TrialStatus, number> {
  const counts: Record<TrialStatus, number> = { PENDING: 0, RUNNING: 0, PAUSED: 0, TERMINATED: 0, ERROR: 0 };
  for (const t of trials) counts[t.status]++;
  return counts;
}

/**
 * A trial's identity across experiments, as one string (map keys, tree ids, delta points):
 * the experiment's path and the trial id, joined by a NUL that neither can contain.
 */
export function trialKey(experimentPath: string, trialId: string): string {
  return `${experimentPath}\u0000${trialId}`;
}

/** The experiment path a `trialKey` was made from. */
export function experimentPathOfTrialKey(key: string): string {
  return key.slice(0, key.indexOf('\u0000'));
}

/** The end reason of a trial the user stopped (alone, or with its whole experiment). */
export const USER_STOP_REASON = 'stopped by the user';

/** TERMINATED because the user stopped it: neither a run to completion nor a scheduler's stop (issue 15). */
export function stoppedByUser(t: { status: TrialStatus; endReason?: string }): boolean {
  return t.status === 'TERMINATED' && t.endReason === USER_STOP_REASON;
}

/** A trial's status as the table and tree tooltips spell it: how a TERMINATED trial ended, when not on its own. */
export function statusLabel(t: { status: TrialStatus; stoppedEarly: boolean; endReason?: string }): string {
  if (stoppedByUser(t)) return 'TERMINATED (by user)';
  return t.status === 'TERMINATED' && t.stoppedEarly ? 'TERMINATED (early)' : t.status;
}

/**
 * The leaves of a trial's config that were not sampled (`train_loop_config/epochs`), path as
 * the params spell it: the constants it ran with, which every trial of the spec shares (issue 15).
 */
export function trialConstants(t: {
  config: Record<string, unknown>;
  params: ReadonlyArray<{ path: string }>;
}): Array<{ path: string; value: unknown }> {
  const sampled = new Set(t.params.map((p) => p.path));
  const out: Array<{ path: string; value: unknown }> = [];
  const walk = (value: unknown, path: string): void => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}/${k}` : k);
    } else if (path && !sampled.has(path)) out.push({ path, value });
  };
  walk(t.config, '');
  return out;
}

/** What a scheduler decided about a trial, as the journal records it and the curves mark it. */
export type DecisionKind = 'stop' | 'pause' | 'promote' | 'exploit' | 'continue_at_rung';

/**
 * The only legal moves; runtime/tuner/trial_lifecycle.ts enforces them. Finished trials never
 * change: `tunekit extend` and the resume flags for errored trials reopen one through the
 * lifecycle's single `reopen` operation, never through this table.
 */
export const TRIAL_TRANSITIONS: Readonly<Record<TrialStatus, readonly TrialStatus[]>> = {
  PENDING: ['RUNNING', 'TERMINATED', 'ERROR'],
  RUNNING: ['PAUSED', 'TERMINATED', 'ERROR', 'PENDING'],
  PAUSED: ['PENDING', 'RUNNING', 'TERMINATED', 'ERROR'],
  TERMINATED: [],
  ERROR: [],
};

/** One device share of a grant: GPU `index` (nvidia-smi order) and the fraction held. */
export interface GpuShare {
  index: number;
  fraction: number;
}

/** Exact logical resources held by one bundle (the trainable, or one worker). */
export interface BundleGrant {
  CPU: number;
  gpus: GpuShare[];
}

export interface TrialGrant {
  trainable: BundleGrant;
  /** One per worker rank, in rank order; empty while a Ray-mode trial waits for workers. */
  workers: BundleGrant[];
}
