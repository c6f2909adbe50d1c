/**
 * One machine's ledger shared by every experiment that one runtime drives, so that two
 * experiments started from the editor never hand out the same GPU or CPU slot. Each
 * experiment holds a seat: its trial ids are kept apart from the others', its snapshot shows
 * its own holders against the machine's totals, and it hears when another seat frees
 * something, since its waiting trials may fit now.
 */
import type { AdmissionMode, ResourceAmounts } from '../../protocol/spec';
import { ResourceLedger, type LedgerSnapshot } from './ledger';
import type { AdmissionResult, SchedulableCapacity, TrialRequest } from './request';

/** What a Tuner asks of the machine's resources. */
export interface TrialLedger {
  admit(trialId: string, request: TrialRequest, mode: AdmissionMode): AdmissionResult;
  acquireWorkers(trialId: string, workers?: ResourceAmounts[]): AdmissionResult;
  release(trialId: string): void;
  /** This experiment's holders, against the whole machine's totals. */
  snapshot(): LedgerSnapshot;
  /**
   * Whether another experiment holds slots that it will give back on its own: a trial that
   * runs. Trials that hold only their trainable while waiting for workers do not count, so a
   * Ray-mode deadlock spanning experiments is still seen as one.
   */
  othersWillFree(): boolean;
  /** `listener` runs (on a later tick) whenever another experiment frees resources. */
  onFreedElsewhere(listener: () => void): void;
  /** Frees whatever this experiment still holds and leaves the machine. */
  close(): void;
}

export class MachineLedger {
  private readonly ledger: ResourceLedger;
  private readonly seats = new Set<Seat>();
  private nextSeat = 0;

  constructor(capacity: SchedulableCapacity) {
    this.ledger = new ResourceLedger(capacity);
  }

  /** A seat for one experiment. */
  seat(): TrialLedger {
    const seat: Seat = new Seat(
      this.ledger,
      `${this.nextSeat++}\u0000`,
      () => this.freed(seat),
      () => this.seats.delete(seat),
    );
    this.seats.add(seat);
    return seat;
  }

  /** Everything held, by every seat, with trial ids as each seat knows them. */
  snapshot(): LedgerSnapshot {
    return this.ledger.snapshot((key) => key.slice(key.indexOf('\u0000') + 1));
  }

  private freed(by: Seat): void {
    for (const seat of this.seats) if (seat !== by) seat.notifyFreed();
  }
}

class Seat implements TrialLedger {
  private readonly listeners: Array<() => void> = [];
  private notifyQueued = false;
  private closed = false;

  constructor(
    private readonly ledger: ResourceLedger,
    private readonly prefix: string,
    private readonly freed: () => void,
    private readonly leave: () => void,
  ) {}

  admit(trialId: string, request: TrialRequest, mode: AdmissionMode): AdmissionResult {
    return this.explained(this.ledger.admit(this.prefix + trialId, request, mode));
  }

  acquireWorkers(trialId: string, workers?: ResourceAmounts[]): AdmissionResult {
    return this.explained(this.ledger.acquireWorkers(this.prefix + trialId, workers));
  }

  /** A wait caused partly by another experiment says so, or the user looks for a culprit in this one. */
  private explained(result: AdmissionResult): AdmissionResult {
    if (result.ok) return result;
    const others = this.ledger.snapshot((key) => (key.startsWith(this.prefix) ? undefined : key));
    const gpu = others.gpus.reduce((sum, g) => sum + g.used, 0);
    const held = [gpu > 0 ? `${+gpu.toFixed(2)} GPU` : '', others.cpu.used > 0 ? `${+others.cpu.used.toFixed(2)} CPU` : ''].filter(Boolean);
    return held.length ? { ...result, reason: `${result.reason} (other experiments hold ${held.join(' and ')})` } : result;
  }

  release(trialId: string): void {
    const key = this.prefix + trialId;
    if (!this.ledger.grantOf(key)) return;
    this.ledger.release(key);
    this.freed();
  }

  snapshot(): LedgerSnapshot {
    return this.ledger.snapshot((key) => (key.startsWith(this.prefix) ? key.slice(this.prefix.length) : undefined));
  }

  othersWillFree(): boolean {
    return this.ledger.holderKeys().some((key) => !key.startsWith(this.prefix) && !this.ledger.waitsForWorkers(key));
  }

  onFreedElsewhere(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Called by the machine; listeners run once per tick however many releases it saw. */
  notifyFreed(): void {
    if (this.closed || this.notifyQueued) return;
    this.notifyQueued = true;
    setImmediate(() => {
      this.notifyQueued = false;
      if (!this.closed) for (const listener of this.listeners) listener();
    });
  }

  close(): void {
    if (this.closed) return;
    const mine = this.ledger.holderKeys().filter((key) => key.startsWith(this.prefix));
    for (const key of mine) this.ledger.release(key);
    this.closed = true;
    this.leave();
    if (mine.length) this.freed();
  }
}
