import type { TrialGrant } from '../../protocol/trial';
import { admissionStep, rayModeStall, type AdmissionStep } from '../resources/admission_plan';
import * as lifecycle from './trial_lifecycle';
import type { TrialRecord } from './trial_record';
import type { TunerCore } from './tuner_core';

/**
 * Admission: which pending trials start now, in what order, and why the others wait; paused
 * trials the scheduler promotes or gives up on; Ray mode's waiting for workers and its deadlock.
 */
export class TrialAdmission {
  constructor(private readonly core: TunerCore) {}

  private pendingInOrder(): TrialRecord[] {
    const now = this.core.clock.now();
    return this.core.trials
      .filter((t) => t.status === 'PENDING' && (t.notBefore === undefined || t.notBefore <= now))
      .sort((a, b) => Number(b.resumeFirst ?? false) - Number(a.resumeFirst ?? false) || a.index - b.index);
  }

  /**
   * One admission step (the one `tunekit plan` repeats, see admission_plan.ts) over the trials
   * that hold a trainable and those pending; adaptive searchers get a new trial only when nothing
   * pending is left to try, so it sees the latest results.
   */
  async admitWhatFits(): Promise<void> {
    this.resolvePaused();
    const cap = this.core.spec.tune_config.max_concurrent_trials;
    for (;;) {
      const running = this.core.trials.filter((t) => t.status === 'RUNNING');
      const holding = running.filter((t) => this.holdsOnlyTrainable(t));
      const pending = this.pendingInOrder();
      const step = admissionStep(this.core.ledger, {
        mode: this.core.spec.tune_config.admission,
        maxConcurrentTrials: cap,
        executing: running.length - holding.length,
        holding: holding.map((t) => ({ trialId: t.id, request: t.request, grant: t.grant! })),
        pending: pending.map((t) => ({ trialId: t.id, request: t.request })),
      });
      this.applyAdmission(step);
      const left = step.waiting.length + step.capped.length;
      const full = cap > 0 && this.core.trials.filter((t) => t.status === 'RUNNING').length >= cap;
      if (left < pending.length || left > 0 || full || !this.core.createNextTrial()) {
        this.detectRayModeDeadlock(step);
        return;
      }
    }
  }

  private applyAdmission(step: AdmissionStep): void {
    const byId = new Map(this.core.trials.map((t) => [t.id, t]));
    const admit = (trial: TrialRecord, grant: TrialGrant): void => {
      const wasRunning = trial.status === 'RUNNING';
      lifecycle.admit(trial, grant);
      if (!wasRunning) this.core.emit('trial', trial);
    };
    for (const { trialId, grant } of step.started) {
      const trial = byId.get(trialId)!;
      admit(trial, grant);
      // Not awaited: drivers for a wave of trials start side by side, not one after another.
      this.core.background.report(`could not start ${trial.name}`, this.core.launch(trial));
    }
    for (const { trialId, grant, reason } of step.holding) {
      const trial = byId.get(trialId)!;
      if (trial.status === 'PENDING') admit(trial, grant);
      this.setWaiting(trial, `waiting for workers: ${reason}`);
    }
    for (const { trialId, reason } of step.waiting) this.setWaiting(byId.get(trialId)!, reason);
  }

  /** ASHA with promotion: resume a paused trial, or end the ones that will never be promoted. */
  private resolvePaused(): void {
    if (!this.core.scheduler.choosePaused) return;
    const paused = this.core.trials.filter((t) => t.status === 'PAUSED');
    if (paused.length === 0) return;
    const noMorePending = this.core.searchDone && !this.core.trials.some((t) => t.status === 'PENDING');
    const choice = this.core.scheduler.choosePaused(paused.map((t) => this.core.schedulerView(t)), noMorePending);
    const idle = noMorePending && !this.core.trials.some((t) => t.status === 'RUNNING');
    if (idle && !choice.resume && !(choice.stop ?? []).length) {
      choice.stop = paused.map((t) => ({ id: t.id, reason: `${t.waitingReason ?? 'paused'}; never promoted` }));
    }
    for (const { id, reason } of choice.stop ?? []) {
      const trial = paused.find((t) => t.id === id);
      if (trial) this.core.endTrial(trial, 'TERMINATED', reason);
    }
    const resume = choice.resume && paused.find((t) => t.id === choice.resume!.id);
    if (resume) {
      lifecycle.resumePaused(resume);
      this.core.record({ type: 'trial_restored', trial_id: resume.id, from_checkpoint: resume.checkpoints.at(-1)?.name, after_failure: false, failures: 0, reason: choice.resume!.reason });
    }
    this.core.journalSchedulerEvents();
  }

  setWaiting(trial: TrialRecord, reason: string): void {
    if (!lifecycle.wait(trial, reason)) return;
    this.core.record({ type: 'trial_waiting', trial_id: trial.id, reason });
    this.core.emit('trial', trial);
  }

  /** Ray mode: admitted for its trainable, it waits for its workers and has not started. */
  holdsOnlyTrainable(trial: TrialRecord): boolean {
    return (
      trial.status === 'RUNNING' &&
      trial.grant !== undefined &&
      trial.grant.workers.length === 0 &&
      trial.request.workers.length > 0 &&
      !this.core.driverOf.has(trial.id) &&
      !this.core.launching.has(trial.id)
    );
  }

  /** In Ray mode, trials that hold every CPU while waiting for workers never progress. */
  private detectRayModeDeadlock(step: AdmissionStep): void {
    if (step.holding.length === 0) return;
    if (this.core.trials.some((t) => t.status === 'RUNNING' && !this.holdsOnlyTrainable(t))) return;
    // Another experiment's running trials will free what they hold; ours may fit then.
    if (this.core.ledger.othersWillFree()) return;
    this.core.failure =
      `deadlock: ${rayModeStall(step.holding)} Trials that did not run stay pending: ` +
      `change the spec and run it again to resume them.`;
    this.core.stop(this.core.failure);
  }
}
