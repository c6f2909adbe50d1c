/** Trial lifecycle, shared by the runtime (which owns it) and the views (which draw it). */

export type TrialStatus = 'PENDING' | 'RUNNING' | 'PAUSED' | 'TERMINATED' | 'ERROR';

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
