/** Ray's FIFOScheduler: every trial runs until it ends on its own or hits run_config.stop. */
import { openState, sealState } from './saved_state';
import type { SchedulerDecision, SchedulerEvent, TrialScheduler } from './trial_scheduler';

export class FifoScheduler implements TrialScheduler {
  readonly name = 'fifo';

  onTrialAdd(): void {}

  onTrialResult(): SchedulerDecision {
    return { action: 'continue' };
  }

  onTrialComplete(): void {}

  onTrialError(): void {}

  drainEvents(): SchedulerEvent[] {
    return [];
  }

  saveState(): unknown {
    return sealState(this.name, {}, {});
  }

  restoreState(state: unknown): void {
    openState(state, this.name, {});
  }
}
