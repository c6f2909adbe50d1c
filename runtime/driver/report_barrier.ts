/**
 * `report()` is a barrier across ranks, as in Ray Train: the k-th report of every live rank
 * forms round k, which becomes one result (rank 0's metrics) and at most one checkpoint
 * (the directories that ranks passed, merged). Ranks that finished (exit 0) do not hold a
 * round back; once a rank has failed, no open or later round is recorded, since the group is
 * going down and a half-reported round must not become a checkpoint to resume from.
 */
export interface RankReport {
  rank: number;
  metrics: Record<string, unknown>;
  checkpoint: string | null;
  resolve: (checkpointDirName: string | null) => void;
  reject: (err: Error) => void;
}

export interface Round {
  /** 1-based, per attempt of the worker group. */
  index: number;
  /** Rank 0's metrics, or null when rank 0 exited before this round. */
  metrics: Record<string, unknown> | null;
  checkpoints: string[];
  reports: RankReport[];
}

export class ReportBarrier {
  /** Reports each rank sent so far. */
  private readonly reportsOf: number[];
  /** Open rounds by index: each rank's report, by rank. */
  private readonly rounds = new Map<number, Array<RankReport | undefined>>();
  private readonly exited = new Set<number>();
  private failure: Error | undefined;

  constructor(
    private readonly worldSize: number,
    private readonly onRound: (round: Round) => void,
  ) {
    this.reportsOf = new Array<number>(worldSize).fill(0);
  }

  add(report: RankReport): void {
    if (this.failure) return report.reject(this.failure);
    const index = ++this.reportsOf[report.rank];
    if (this.worldSize === 1) {
      // One rank: every report is a round of its own (most trials), with nothing to hold.
      this.onRound({ index, metrics: report.metrics, checkpoints: report.checkpoint ? [report.checkpoint] : [], reports: [report] });
      return;
    }
    let round = this.rounds.get(index);
    if (!round) this.rounds.set(index, (round = new Array<RankReport | undefined>(this.worldSize)));
    round[report.rank] = report;
    this.check(index);
  }

  rankExited(rank: number, failed: boolean): void {
    if (failed) {
      this.failure ??= new Error(`worker ${rank} failed; this round is not recorded and the group will restart`);
      this.rejectAll(this.failure);
      return;
    }
    this.exited.add(rank);
    for (const index of [...this.rounds.keys()].sort((a, b) => a - b)) this.check(index);
  }

  /** Ranks the round `index` still waits for (for diagnostics). */
  missing(index: number): number[] {
    const round = this.rounds.get(index);
    return Array.from({ length: this.worldSize }, (_, r) => r).filter((r) => !round?.[r] && !this.exited.has(r));
  }

  private complete(round: ReadonlyArray<RankReport | undefined>): boolean {
    for (let rank = 0; rank < this.worldSize; rank++) if (!round[rank] && !this.exited.has(rank)) return false;
    return true;
  }

  /** Open rounds, oldest first. */
  openRounds(): number[] {
    return [...this.rounds.keys()].sort((a, b) => a - b);
  }

  rejectAll(err: Error): void {
    for (const round of this.rounds.values()) for (const r of round) r?.reject(err);
    this.rounds.clear();
  }

  private check(index: number): void {
    const round = this.rounds.get(index);
    if (!round || !this.complete(round)) return;
    this.rounds.delete(index);
    // In rank order by construction; this runs once per report, so it allocates no more than it keeps.
    const reports: RankReport[] = [];
    for (const report of round) if (report) reports.push(report);
    this.onRound({
      index,
      metrics: round[0]?.metrics ?? null,
      checkpoints: reports.flatMap((r) => (r.checkpoint ? [r.checkpoint] : [])),
      reports,
    });
  }
}
