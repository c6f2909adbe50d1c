import type { DriverToLauncher, GroupExit, LauncherToDriver, TrialLaunch } from '../../protocol/driver';
import { TrialReports } from '../report/trial_reports';
import { processStartTime } from '../tuner/process_identity';
import { freeLoopbackPort } from './free_port';
import { startWorkerGroup, type RunningGroup } from './start_group';
import { WarmPool } from './warm_pool';
import type { WorkerLine } from './worker_group';

const LOG_BATCH_MS = 100;

/**
 * One trial's Trainer driver: it starts the trial's worker group, streams its output, stops it
 * when told, and says how it ended. A driver process hosts several of these at once
 * (driver_host.ts); a Slurm job runs one. Reports go to the Tuner's own socket for a local trial
 * (`launch.reportsInTuner`); otherwise this driver serves the socket and relays each round.
 */
export class TrainerDriver {
  private group: RunningGroup | undefined;
  private reports: TrialReports | undefined;
  private trialId: string | undefined;
  private logBatch: DriverToLauncher & { type: 'log' } = { type: 'log', trialId: '', lines: [] };
  private logTimer: NodeJS.Timeout | undefined;
  /** A stop that arrived before the group existed. */
  private earlyStop: string | undefined;

  /** `warm`: the warm parents of the process, shared by the trials it hosts. */
  constructor(
    private readonly send: (msg: DriverToLauncher) => void,
    private readonly warm: WarmPool = new WarmPool(),
  ) {}

  handle(msg: LauncherToDriver): void {
    switch (msg.type) {
      case 'launch':
        void this.launch(msg.launch);
        break;
      case 'stop':
        if (msg.trialId !== this.trialId) break;
        if (this.group) this.group.stop(msg.reason);
        else this.earlyStop ??= msg.reason;
        break;
      case 'fail_rank':
        if (msg.trialId === this.trialId) this.group?.fail(msg.rank, msg.reason);
        break;
      case 'result_ack':
        if (msg.trialId !== this.trialId) break;
        this.reports?.answer(msg);
        if (msg.stop) this.group?.stop('stopped by the Tuner');
        break;
      case 'shutdown':
        // The host process decides when it exits.
        break;
    }
  }

  /** The Tuner is gone: nothing of ours may outlive it. */
  killNow(): void {
    this.group?.killNow();
  }

  private async launch(launch: TrialLaunch): Promise<void> {
    if (this.trialId !== undefined) throw new Error(`driver is busy with ${this.trialId}`);
    this.trialId = launch.trialId;
    this.earlyStop = undefined;
    this.logBatch = { type: 'log', trialId: launch.trialId, lines: [] };
    try {
      if (!launch.reportsInTuner) {
        this.reports = await TrialReports.open(launch, {
          relay: (msg) => this.send(msg),
          rejected: (what) => this.send({ type: 'rejected', trialId: launch.trialId, what }),
          hung: (rank, reason) => this.group?.fail(rank, reason),
        });
        launch = { ...launch, reportSocket: this.reports.socketPath };
      }
      const reports = this.reports;
      const onRankExit = reports
        ? (rank: number, failed: boolean) => reports.rankExited(rank, failed)
        : (rank: number, failed: boolean) => this.send({ type: 'rank_exited', trialId: launch.trialId, rank, failed });
      const masterPort = await freeLoopbackPort();
      const group = startWorkerGroup(launch, masterPort, (line) => this.bufferLine(line), onRankExit, {
        warm: this.warm,
        onNote: (note) => this.send({ type: 'note', trialId: launch.trialId, note }),
      });
      this.group = group;
      if (this.earlyStop !== undefined) group.stop(this.earlyStop);
      await group.started;
      const pids = group.pids;
      this.send({ type: 'started', trialId: launch.trialId, pids, startTimes: pids.map((p) => processStartTime(p) ?? null), masterPort });
      const exit = await group.done;
      this.flushLogs();
      await this.finish(launch.trialId, exit);
    } catch (err) {
      this.group?.killNow();
      await this.finish(launch.trialId, { status: 'ERROR', reason: `driver failed: ${(err as Error).message}` });
    }
  }

  private async finish(trialId: string, exit: GroupExit): Promise<void> {
    await this.reports?.close();
    this.reports = undefined;
    this.group = undefined;
    this.trialId = undefined;
    this.send({ type: 'ended', trialId, exit });
  }

  private bufferLine(line: WorkerLine): void {
    this.logBatch.lines.push(line);
    if (!this.logTimer) this.logTimer = setTimeout(() => this.flushLogs(), LOG_BATCH_MS);
  }

  private flushLogs(): void {
    if (this.logTimer) clearTimeout(this.logTimer);
    this.logTimer = undefined;
    if (this.logBatch.lines.length === 0) return;
    this.send(this.logBatch);
    this.logBatch = { type: 'log', trialId: this.logBatch.trialId, lines: [] };
  }
}
