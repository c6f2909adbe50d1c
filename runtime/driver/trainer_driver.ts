import type { DriverToTuner, GroupExit, TrialLaunch, TunerToDriver } from '../../protocol/driver';
import { ReportServer, type ReportServerOptions, type WorkerReport } from '../report/report_server';
import { processStartTime } from '../tuner/process_identity';
import { freeLoopbackPort } from './free_port';
import { HangWatch } from './hang_watch';
import { ReportBarrier, type Round } from './report_barrier';
import { startWorkerGroup, type RunningGroup } from './start_group';
import { WarmPool } from './warm_pool';
import type { WorkerLine } from './worker_group';

const LOG_BATCH_MS = 100;

interface PendingAck {
  resolve: (name: string | null) => void;
  reject: (err: Error) => void;
}

/**
 * The Trainer driver: a long-lived process that runs one trial's worker group at a
 * time for the Tuner, relaying worker reports and output over the IPC channel.
 */
export class TrainerDriver {
  private group: RunningGroup | undefined;
  private server: ReportServer | undefined;
  private trialId: string | undefined;
  private nextId = 0;
  private readonly pending = new Map<number, PendingAck>();
  private logBatch: DriverToTuner & { type: 'log' } = { type: 'log', trialId: '', lines: [] };
  private logTimer: NodeJS.Timeout | undefined;
  private hangWatch: HangWatch | undefined;
  private barrier: ReportBarrier | undefined;
  /** A stop that arrived before the group existed. */
  private earlyStop: string | undefined;
  /** Warm parents live as long as the driver, across its trials. */
  private readonly warm = new WarmPool();

  constructor(private readonly send: (msg: DriverToTuner) => void) {}

  handle(msg: TunerToDriver): void {
    switch (msg.type) {
      case 'launch':
        void this.launch(msg.launch);
        break;
      case 'stop':
        if (msg.trialId !== this.trialId) break;
        if (this.group) this.group.stop(msg.reason);
        else this.earlyStop ??= msg.reason;
        break;
      case 'result_ack': {
        const pending = this.pending.get(msg.id);
        if (!pending) return;
        this.pending.delete(msg.id);
        if (msg.error) pending.reject(new Error(msg.error));
        else pending.resolve(msg.checkpointDirName);
        if (msg.stop) this.group?.stop('stopped by the Tuner');
        break;
      }
      case 'shutdown':
        if (!this.group) {
          this.warm.stopAll();
          process.exit(0);
        }
        break;
    }
  }

  /** The Tuner is gone: nothing of ours may outlive it. */
  abandon(): void {
    this.group?.killNow();
    this.warm.stopAll();
    process.exit(0);
  }

  private async launch(launch: TrialLaunch): Promise<void> {
    if (this.group) throw new Error(`driver is busy with ${this.trialId}`);
    this.trialId = launch.trialId;
    this.earlyStop = undefined;
    this.logBatch = { type: 'log', trialId: launch.trialId, lines: [] };
    const barrier = new ReportBarrier(launch.grant.workers.length, (round) => this.relayRound(launch.trialId, round));
    this.barrier = barrier;
    try {
      const tcpHost = /^tcp:\/\/(.+):0$/.exec(launch.reportSocket)?.[1];
      const serverOptions: Omit<ReportServerOptions, 'socketPath'> = {
        token: launch.reportToken,
        worldSize: launch.grant.workers.length,
        onReport: (r: WorkerReport) => {
          this.hangWatch?.reported(r.rank);
          const answered = () => this.hangWatch?.answered(r.rank);
          return new Promise((resolve, reject) =>
            barrier.add({
              rank: r.rank,
              metrics: r.metrics,
              checkpoint: r.checkpoint,
              resolve: (name) => {
                answered();
                resolve({ checkpoint_dir_name: name });
              },
              reject: (err) => {
                answered();
                reject(err);
              },
            }),
          );
        },
        onConnect: (rank: number) => this.hangWatch?.connected(rank),
        onRejected: (what: string) => this.send({ type: 'rejected', trialId: launch.trialId, what }),
      };
      // `tcp://host:0` asks for TCP (a trial spread over cluster nodes); the workers get the real port.
      this.server = tcpHost
        ? await ReportServer.listenTcp(tcpHost, serverOptions)
        : await ReportServer.listen({ socketPath: launch.reportSocket, ...serverOptions });
      launch = { ...launch, reportSocket: this.server.socketPath };
      const masterPort = await freeLoopbackPort();
      const group = startWorkerGroup(launch, masterPort, (line) => this.bufferLine(line), (rank, failed) => barrier.rankExited(rank, failed), {
        warm: this.warm,
        onNote: (note) => this.send({ type: 'note', trialId: launch.trialId, note }),
      });
      this.group = group;
      if (this.earlyStop !== undefined) group.stop(this.earlyStop);
      await group.started;
      const pids = group.pids;
      this.send({ type: 'started', trialId: launch.trialId, pids, startTimes: pids.map((p) => processStartTime(p) ?? null), masterPort });
      this.hangWatch = new HangWatch(launch, group.liveRanks.bind(group), (rank, reason) => group.fail(rank, reason));
      const exit = await group.done;
      this.hangWatch.dispose();
      this.hangWatch = undefined;
      this.flushLogs();
      await this.server.close();
      this.finish(launch.trialId, exit);
    } catch (err) {
      this.hangWatch?.dispose();
      this.hangWatch = undefined;
      this.group?.killNow();
      await this.server?.close().catch(() => undefined);
      this.finish(launch.trialId, { status: 'ERROR', reason: `driver failed: ${(err as Error).message}` });
    }
  }

  private finish(trialId: string, exit: GroupExit): void {
    for (const p of this.pending.values()) p.reject(new Error('trial ended'));
    this.pending.clear();
    this.barrier?.rejectAll(new Error('trial ended'));
    this.barrier = undefined;
    this.group = undefined;
    this.server = undefined;
    this.trialId = undefined;
    this.send({ type: 'ended', trialId, exit });
  }

  private relayRound(trialId: string, round: Round): void {
    const id = this.nextId++;
    this.pending.set(id, {
      resolve: (name) => round.reports.forEach((r) => r.resolve(name)),
      reject: (err) => round.reports.forEach((r) => r.reject(err)),
    });
    this.send({ type: 'result', trialId, id, metrics: round.metrics, checkpoints: round.checkpoints });
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

/** Entry point of a driver process forked by the Tuner with an IPC channel. */
export function runDriverProcess(): void {
  if (!process.send) throw new Error('the Trainer driver must be started by the Tuner (no IPC channel)');
  const send = (msg: DriverToTuner) => process.send!(msg);
  const driver = new TrainerDriver(send);
  process.on('message', (msg) => driver.handle(msg as TunerToDriver));
  process.on('disconnect', () => driver.abandon());
  // Ctrl-C reaches the whole terminal group; the Tuner decides how trials stop.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => driver.abandon());
  send({ type: 'ready', pid: process.pid });
}
