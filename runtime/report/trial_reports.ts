/**
 * One worker-group attempt's report endpoint: the trial's socket, the barrier that turns every
 * rank's k-th report into round k, and the watch that turns a hung rank into a failure. It runs
 * where the reports are cheapest to take: in the Tuner's own process for a local trial (one hop
 * from worker to Tuner), in the job's driver for a Slurm trial (which relays rounds to the Tuner).
 */
import type { ResultAck, ResultMessage, TrialLaunch } from '../../protocol/driver';
import { HangWatch } from '../driver/hang_watch';
import { ReportBarrier, type Round } from '../driver/report_barrier';
import { ReportServer, type AnswerReport, type ReportServerOptions, type WorkerReport } from './report_server';


export interface TrialReportsHooks {
  /** A complete round for the Tuner; it answers with `answer(ack)` carrying the same id. */
  relay(msg: ResultMessage): void;
  /** A refused line or connection, already rate-limited. */
  rejected(what: string): void;
  /** A rank never connected or went silent past its deadline: fail it, so the group restarts. */
  hung(rank: number, reason: string): void;
}

/**
 * Round ids are unique in the process, not per attempt: an answer meant for an earlier attempt
 * of the trial can never settle a round of a later one.
 */
let nextRoundId = 0;

export class TrialReports {
  /**
   * Rounds relayed and not yet answered, oldest first: the Tuner answers a trial's rounds in
   * order, so the answer is almost always the first. An array, not a Map, which reallocated its
   * table on every delete of a one-entry map.
   */
  private pending: Array<{ id: number; round: Round }> = [];
  private readonly exited = new Set<number>();
  private hangWatch: HangWatch | undefined;
  private closed = false;

  private constructor(
    private readonly launch: TrialLaunch,
    private readonly hooks: TrialReportsHooks,
    private readonly barrier: ReportBarrier,
    private server: ReportServer | undefined,
  ) {
    // Deadlines count from the socket's opening, just before the workers start, so that a rank
    // connecting at once is never missed.
    this.hangWatch = new HangWatch(launch, () => this.liveRanks(), (rank, reason) => hooks.hung(rank, reason));
  }

  /** Listens on the launch's socket (`tcp://host:0` asks for TCP, for ranks on other nodes). */
  static async open(launch: TrialLaunch, hooks: TrialReportsHooks): Promise<TrialReports> {
    const worldSize = launch.grant.workers.length;
    let self: TrialReports | undefined;
    const barrier = new ReportBarrier(worldSize, (round) => self?.relayRound(round));
    const options: Omit<ReportServerOptions, 'socketPath'> = {
      token: launch.reportToken,
      worldSize,
      onReport: (r: WorkerReport, answer: AnswerReport) => self!.onReport(r, answer),
      onConnect: (rank: number) => self?.hangWatch?.connected(rank),
      onRejected: (what: string) => hooks.rejected(what),
    };
    const tcpHost = /^tcp:\/\/(.+):0$/.exec(launch.reportSocket)?.[1];
    const server = tcpHost ? await ReportServer.listenTcp(tcpHost, options) : await ReportServer.listen({ socketPath: launch.reportSocket, ...options });
    self = new TrialReports(launch, hooks, barrier, server);
    return self;
  }

  /** Where workers connect: the path, or `tcp://host:port` once a TCP port is chosen. */
  get socketPath(): string {
    return this.server?.socketPath ?? this.launch.reportSocket;
  }

  rankExited(rank: number, failed: boolean): void {
    if (!failed) this.exited.add(rank);
    this.barrier.rankExited(rank, failed);
  }

  /** The Tuner's answer to a relayed round; false when it is not one of ours (an earlier attempt's). */
  answer(ack: ResultAck): boolean {
    let at = 0;
    while (at < this.pending.length && this.pending[at].id !== ack.id) at++;
    if (at === this.pending.length) return false;
    const { round } = at === 0 ? this.pending.shift()! : this.pending.splice(at, 1)[0];
    if (ack.error) {
      const err = new Error(ack.error);
      for (const r of round.reports) r.reject(err);
    } else {
      for (const r of round.reports) r.resolve(ack.checkpointDirName);
    }
    return true;
  }

  /** The group ended: unanswered reports fail, the watch stops, the socket closes. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.hangWatch?.dispose();
    this.hangWatch = undefined;
    const ended = new Error('trial ended');
    const pending = this.pending;
    this.pending = [];
    for (const { round } of pending) for (const r of round.reports) r.reject(ended);
    this.barrier.rejectAll(ended);
    const server = this.server;
    this.server = undefined;
    await server?.close().catch(() => undefined);
  }

  private liveRanks(): number[] {
    return this.launch.grant.workers.map((_, rank) => rank).filter((rank) => !this.exited.has(rank));
  }

  private onReport(r: WorkerReport, answer: AnswerReport): void {
    this.hangWatch?.reported(r.rank);
    this.barrier.add({
      rank: r.rank,
      metrics: r.metrics,
      checkpoint: r.checkpoint,
      resolve: (name) => {
        this.hangWatch?.answered(r.rank);
        answer({ checkpoint_dir_name: name });
      },
      reject: (err) => {
        this.hangWatch?.answered(r.rank);
        answer(err);
      },
    });
  }

  private relayRound(round: Round): void {
    const id = nextRoundId++;
    this.pending.push({ id, round });
    this.hooks.relay({ type: 'result', trialId: this.launch.trialId, id, metrics: round.metrics, checkpoints: round.checkpoints });
  }
}
