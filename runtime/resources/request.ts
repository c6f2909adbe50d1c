import type { ResourceAmounts } from '../../protocol/spec';
import type { TrialGrant } from '../../protocol/trial';

/** What one trial asks of the machine: its trainable, and one bundle per worker rank. */
export interface TrialRequest {
  trainable: ResourceAmounts;
  workers: ResourceAmounts[];
}

/** The logical slots the ledger hands out: a CPU count and GPU device indices. */
export interface SchedulableCapacity {
  CPU: number;
  gpus: number[];
}

export type AdmissionResult = { ok: true; grant: TrialGrant } | { ok: false; reason: string };
