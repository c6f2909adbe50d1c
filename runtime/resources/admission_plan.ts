/**
 * `tunekit plan`: a dry run of admission, assuming every trial takes the same time. Each wave
 * is the set of trials that execute together; it also says which trials hold their trainable
 * while waiting for workers (Ray mode) and which wait, and why.
 */
import type { AdmissionMode } from '../../protocol/spec';
import type { TrialGrant } from '../../protocol/trial';
import { ResourceLedger } from './ledger';
import { neverFits } from './never_fits';
import type { SchedulableCapacity, TrialRequest } from './request';

export interface PlanInput {
  capacity: SchedulableCapacity;
  requests: Array<{ trialId: string; request: TrialRequest }>;
  mode: AdmissionMode;
  /** 0 means no cap beyond the resources. */
  maxConcurrentTrials: number;
}

export interface PlannedTrial {
  trialId: string;
  grant: TrialGrant;
}

/** Started in Ray mode: the trainable holds its slots while the workers cannot be placed. */
export interface HeldTrial extends PlannedTrial {
  reason: string;
}

export interface WaitingTrial {
  trialId: string;
  reason: string;
}

export interface AdmissionWave {
  /** 1-based. */
  wave: number;
  running: PlannedTrial[];
  holding: HeldTrial[];
  pending: WaitingTrial[];
}

export interface AdmissionPlan {
  mode: AdmissionMode;
  waves: AdmissionWave[];
  /** Trials this machine can never run, even idle; they take part in no wave. */
  neverFit: WaitingTrial[];
  /** Set when trials remain but none can execute: Ray mode's trainables holding the CPUs their workers need. */
  stalled?: string;
}

export function planAdmission(input: PlanInput): AdmissionPlan {
  const { capacity, mode, maxConcurrentTrials: cap } = input;
  const ledger = new ResourceLedger(capacity);
  const neverFit: WaitingTrial[] = [];
  let queue: PlanInput['requests'] = [];
  for (const entry of input.requests) {
    const reason = neverFits(entry.request, capacity);
    if (reason) neverFit.push({ trialId: entry.trialId, reason });
    else queue.push(entry);
  }

  const waves: AdmissionWave[] = [];
  let held: WaitingTrial[] = [];
  while (queue.length > 0 || held.length > 0) {
    const running: PlannedTrial[] = [];
    const pending: WaitingTrial[] = [];
    const tryWorkers = (trialId: string): void => {
      const result = ledger.acquireWorkers(trialId);
      if (result.ok) running.push({ trialId, grant: result.grant });
      else held.push({ trialId, reason: result.reason });
    };

    // Trials already holding a trainable asked for their workers first, so they are served first.
    const stillHeld = held;
    held = [];
    for (const { trialId } of stillHeld) tryWorkers(trialId);

    const admitted: string[] = [];
    const waiting: PlanInput['requests'] = [];
    for (const entry of queue) {
      if (cap > 0 && running.length + held.length + admitted.length >= cap) {
        pending.push({ trialId: entry.trialId, reason: `max_concurrent_trials is ${cap}` });
        waiting.push(entry);
        continue;
      }
      const result = ledger.admit(entry.trialId, entry.request, mode);
      if (!result.ok) {
        pending.push({ trialId: entry.trialId, reason: result.reason });
        waiting.push(entry);
      } else if (mode === 'coordinated') running.push({ trialId: entry.trialId, grant: result.grant });
      else admitted.push(entry.trialId);
    }
    queue = waiting;
    // As in Ray, every trainable that fits starts before any of them asks for its workers.
    for (const trialId of admitted) tryWorkers(trialId);

    const holding = held.map((h) => ({ ...h, grant: ledger.grantOf(h.trialId) as TrialGrant }));
    if (running.length === 0) {
      return { mode, waves, neverFit, stalled: stallReason(holding, pending) };
    }
    waves.push({ wave: waves.length + 1, running, holding, pending });
    for (const { trialId } of running) ledger.release(trialId);
  }
  return { mode, waves, neverFit };
}

function stallReason(holding: HeldTrial[], pending: WaitingTrial[]): string {
  if (holding.length > 0) {
    return (
      `no trial can run: ${holding.length} started trial${holding.length === 1 ? '' : 's'} hold their ` +
      `trainable resources while their workers wait (${holding[0].reason}); use admission: coordinated, ` +
      `or set max_concurrent_trials so trainables leave room for workers.`
    );
  }
  return `no trial can run: ${pending.map((p) => `${p.trialId} ${p.reason}`).join('; ')}.`;
}
