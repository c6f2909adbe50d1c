import type { TrialLaunch } from '../../protocol/driver';

const TICK_MS = 500;

/**
 * Turns hung workers into failures the restart logic can handle: a rank that never
 * connects within startupTimeoutS, or (when reportTimeoutS > 0) one that goes silent —
 * typically blocked in a collective after a peer died. torch's own timeouts (30 min by
 * default) are far too long to wait for.
 */
export class HangWatch {
  private readonly startedAt = Date.now();
  private readonly connectedRanks = new Set<number>();
  private readonly lastHeard = new Map<number, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly launch: TrialLaunch,
    private readonly liveRanks: () => number[],
    private readonly onHung: (rank: number, reason: string) => void,
  ) {
    this.timer = setInterval(() => this.check(), TICK_MS);
    this.timer.unref();
  }

  connected(rank: number): void {
    this.connectedRanks.add(rank);
    this.lastHeard.set(rank, Date.now());
  }

  reported(rank: number): void {
    this.lastHeard.set(rank, Date.now());
  }

  dispose(): void {
    clearInterval(this.timer);
  }

  private check(): void {
    const now = Date.now();
    const { startupTimeoutS, reportTimeoutS } = this.launch;
    for (const rank of this.liveRanks()) {
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
