import type { TrialLaunch } from '../../protocol/driver';

const TICK_MS = 500;

/**
 * Turns hung workers into failures the restart logic can handle: a rank that never
 * connects within startupTimeoutS, or (when reportTimeoutS > 0) one that goes silent —
 * typically blocked in a collective after a peer died. torch's own timeouts (30 min by
 * default) are far too long to wait for. A rank whose report is not answered yet is
 * waiting (in the report barrier, for its peers), not silent: the blame goes to the rank
 * it waits for.
 */
export class HangWatch {
  private readonly startedAt: number;
  private readonly connectedRanks = new Set<number>();
  private readonly lastHeard = new Map<number, number>();
  private readonly waiting = new Set<number>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly launch: TrialLaunch,
    private readonly liveRanks: () => number[],
    private readonly onHung: (rank: number, reason: string) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
    this.timer = setInterval(() => this.check(), TICK_MS);
    this.timer.unref();
  }

  connected(rank: number): void {
    this.connectedRanks.add(rank);
    this.lastHeard.set(rank, this.now());
  }

  /** The rank sent a report; it waits for the answer from here on. */
  reported(rank: number): void {
    this.lastHeard.set(rank, this.now());
    this.waiting.add(rank);
  }

  /** The rank's report was answered; its silence counts from now. */
  answered(rank: number): void {
    this.lastHeard.set(rank, this.now());
    this.waiting.delete(rank);
  }

  dispose(): void {
    clearInterval(this.timer);
  }

  /** Runs every tick; public so that tests can drive it with their own clock. */
  check(): void {
    const now = this.now();
    const { startupTimeoutS, reportTimeoutS } = this.launch;
    for (const rank of this.liveRanks()) {
      if (this.waiting.has(rank)) continue;
      if (!this.connectedRanks.has(rank)) {
        if (startupTimeoutS > 0 && now - this.startedAt > startupTimeoutS * 1000) {
          return this.hung(rank, `worker ${rank} did not connect to Tunekit within ${startupTimeoutS} s of starting (hung before its first report?)`);
        }
        continue;
      }
      const heard = this.lastHeard.get(rank) ?? this.startedAt;
      if (reportTimeoutS > 0 && now - heard > reportTimeoutS * 1000) {
        return this.hung(rank, `worker ${rank} sent no report for ${reportTimeoutS} s (hung, e.g. in a collective after a peer died?)`);
      }
    }
  }

  private hung(rank: number, reason: string): void {
    this.dispose();
    this.onHung(rank, reason);
  }
}
