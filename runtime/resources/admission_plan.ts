/**
 * Admission, once: `admissionStep` is what the Tuner does each time it schedules, and
 * `planAdmission` (`tunekit plan`) repeats the same step on a private ledger, assuming every
 * trial takes the same time. Each wave is the set of trials that execute together; it also says
 * which trials hold their trainable while waiting for workers (Ray mode) and which wait, and why.
 */
import type { AdmissionMode, ResourceAmounts } from '../../protocol/spec';
import type { TrialGrant } from '../../protocol/trial';
import { ResourceLedger } from './ledger';
import { neverFits } from './never_fits';
import type { AdmissionResult, SchedulableCapacity, TrialRequest } from './request';

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

/** What one admission step asks of a ledger: a plan's private one, or a run's seat on the machine. */
export interface AdmissionLedger {
  admit(trialId: string, request: TrialRequest, mode: AdmissionMode): AdmissionResult;
  acquireWorkers(trialId: string, workers?: ResourceAmounts[]): AdmissionResult;
}

export interface QueuedTrial {
  trialId: string;
  request: TrialRequest;
}

export interface StepInput {
  mode: AdmissionMode;
  /** 0 means no cap beyond the resources. */
  maxConcurrentTrials: number;
  /** Trials that already hold all they asked for; they count against the cap. */
  executing: number;
  /** Started trials holding only their trainable (Ray mode), in the order they were admitted. */
  holding: Array<QueuedTrial & { grant: TrialGrant }>;
  /** Trials holding nothing, in the order they are to be admitted. */
  pending: QueuedTrial[];
}

export interface AdmissionStep {
  /** Now hold everything they asked for, so their workers can start: held trials first. */
  started: PlannedTrial[];
  /** Hold their trainable while their workers wait, the newly admitted among them. */
  holding: HeldTrial[];
  /** Pending trials the ledger turned down, with its reason. */
  waiting: WaitingTrial[];
  /** Pending trials not tried because max_concurrent_trials trials already hold resources. */
  capped: string[];
}

/**
 * One pass of admission. Ray mode admits the trainable of every pending trial that fits before
 * any of them asks for its workers, as Ray's scheduler does; that is how trainables can take the
 * CPUs their workers need (issue #12: a run fetched each trial's workers right after admitting it,
 * so it never met the deadlock `tunekit plan` predicted). Coordinated mode admits all or nothing.
 */
export function admissionStep(ledger: AdmissionLedger, input: StepInput): AdmissionStep {
  const { mode, maxConcurrentTrials: cap } = input;
  const step: AdmissionStep = { started: [], holding: [], waiting: [], capped: [] };
  const tryWorkers = (entry: QueuedTrial, grant: TrialGrant): void => {
    const result = ledger.acquireWorkers(entry.trialId, entry.request.workers);
    if (result.ok) step.started.push({ trialId: entry.trialId, grant: result.grant });
    else step.holding.push({ trialId: entry.trialId, grant, reason: result.reason });
  };

  // Trials already holding a trainable asked for their workers first, so they are served first.
  for (const held of input.holding) tryWorkers(held, held.grant);

  let active = input.executing + input.holding.length;
  const admitted: Array<[QueuedTrial, TrialGrant]> = [];
  for (const entry of input.pending) {
    if (cap > 0 && active >= cap) {
      step.capped.push(entry.trialId);
      continue;
    }
    const result = ledger.admit(entry.trialId, entry.request, mode);
    if (!result.ok) {
      step.waiting.push({ trialId: entry.trialId, reason: result.reason });
      continue;
    }
    active++;
    if (mode === 'coordinated') step.started.push({ trialId: entry.trialId, grant: result.grant });
    else admitted.push([entry, result.grant]);
  }
  for (const [entry, grant] of admitted) tryWorkers(entry, grant);
  return step;
}

export function planAdmission(input: PlanInput): AdmissionPlan {
  const { capacity, mode, maxConcurrentTrials } = input;
  const ledger = new ResourceLedger(capacity);
  const neverFit: WaitingTrial[] = [];
  let queue: QueuedTrial[] = [];
  for (const entry of input.requests) {
    const reason = neverFits(entry.request, capacity);
    if (reason) neverFit.push({ trialId: entry.trialId, reason });
    else queue.push(entry);
  }
  const requestOf = new Map(queue.map((entry) => [entry.trialId, entry.request]));

  const waves: AdmissionWave[] = [];
  let holding: StepInput['holding'] = [];
  while (queue.length > 0 || holding.length > 0) {
    const step = admissionStep(ledger, { mode, maxConcurrentTrials, executing: 0, holding, pending: queue });
    const capReason = `max_concurrent_trials is ${maxConcurrentTrials}`;
    // Admission stops at the cap, so every trial the ledger turned down comes before the capped ones.
    const pending = [...step.waiting, ...step.capped.map((trialId) => ({ trialId, reason: capReason }))];
    const stillPending = new Set(pending.map((p) => p.trialId));
    queue = queue.filter((entry) => stillPending.has(entry.trialId));
    holding = step.holding.map((h) => ({ trialId: h.trialId, request: requestOf.get(h.trialId)!, grant: h.grant }));
    if (step.started.length === 0) {
      return { mode, waves, neverFit, stalled: stallReason(step.holding, pending) };
    }
    waves.push({ wave: waves.length + 1, running: step.started, holding: step.holding, pending });
    for (const { trialId } of step.started) ledger.release(trialId);
  }
  return { mode, waves, neverFit };
}

/** Why Ray-mode admission can go no further: every started trial holds a trainable and waits. */
export function rayModeStall(holding: HeldTrial[]): string {
  return (
    `no trial can run: ${holding.length} started trial${holding.length === 1 ? '' : 's'} hold their ` +
    `trainable resources while their workers wait (${holding[0].reason}); use admission: coordinated, ` +
    `or set max_concurrent_trials so trainables leave room for workers.`
  );
}

function stallReason(holding: HeldTrial[], pending: WaitingTrial[]): string {
  if (holding.length > 0) return rayModeStall(holding);
  return `no trial can run: ${pending.map((p) => `${p.trialId} ${p.reason}`).join('; ')}.`;
}
