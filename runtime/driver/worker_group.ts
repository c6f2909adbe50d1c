import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { GroupExit, TrialLaunch } from '../../protocol/driver';
import { workerEnv } from './worker_env';

const TAIL_LINES = 40;
const SETPRIV = '/usr/bin/setpriv';

/**
 * Workers get SIGTERM if their driver dies (Linux parent-death signal through util-linux's
 * setpriv, which then execs the command in place), so a SIGKILLed runtime leaves no worker.
 */
function withParentDeathSignal(command: string[]): string[] {
  try {
    accessSync(SETPRIV, constants.X_OK);
    return [SETPRIV, '--pdeathsig', 'SIGTERM', '--', ...command];
  } catch {
    return command;
  }
}

export interface WorkerLine {
  rank: number;
  stream: 'stdout' | 'stderr';
  line: string;
}

interface Worker {
  rank: number;
  child: ChildProcess;
  exited: boolean;
  log: WriteStream;
  tail: string[];
}

/** The log file of one worker in its trial directory. */
export function workerLogName(rank: number): string {
  return `worker_${rank}.log`;
}

/**
 * One trial's worker processes. Each worker leads its own process group so that
 * stopping it also stops whatever it forked (dataloader workers, torchrun children).
 */
export class WorkerGroup {
  private readonly workers: Worker[] = [];
  private firstFailure: GroupExit | undefined;
  private stopReason: string | undefined;
  private killTimer: NodeJS.Timeout | undefined;
  readonly done: Promise<GroupExit>;
  private resolveDone!: (exit: GroupExit) => void;

  constructor(
    private readonly launch: TrialLaunch,
    masterPort: number,
    onLine: (line: WorkerLine) => void,
    private readonly onRankExit: (rank: number, failed: boolean) => void = () => undefined,
    baseEnv: NodeJS.ProcessEnv = process.env,
  ) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    const [file, ...args] = withParentDeathSignal(launch.command);
    for (let rank = 0; rank < launch.grant.workers.length; rank++) {
      const log = createWriteStream(join(launch.trialDir, workerLogName(rank)), { flags: 'a' });
      const child = spawn(file, args, {
        cwd: launch.cwd,
        env: workerEnv(launch, rank, masterPort, baseEnv),
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      const worker: Worker = { rank, child, exited: false, log, tail: [] };
      this.workers.push(worker);
      for (const stream of ['stdout', 'stderr'] as const) {
        const readable = child[stream]!;
        readable.pipe(log, { end: false });
        createInterface({ input: readable, crlfDelay: Infinity }).on('line', (line) => {
          worker.tail.push(line);
          if (worker.tail.length > TAIL_LINES) worker.tail.shift();
          onLine({ rank, stream, line });
        });
      }
      child.on('error', (err) => this.onExit(worker, 127, null, `could not start ${launch.command[0]}: ${err.message}`));
      child.on('close', (code, signal) => this.onExit(worker, code, signal));
    }
  }

  get pids(): number[] {
    return this.workers.map((w) => w.child.pid ?? -1);
  }

  /** Stops every worker: SIGTERM to each group, SIGKILL after the grace period. */
  stop(reason: string): void {
    if (this.stopReason === undefined && this.firstFailure === undefined) this.stopReason = reason;
    this.signalAll('SIGTERM');
    if (!this.killTimer) {
      this.killTimer = setTimeout(() => this.signalAll('SIGKILL'), this.launch.stopGraceS * 1000);
      this.killTimer.unref();
    }
  }

  /** Declares the group failed for a reason only the driver can see (a hung rank), then stops it. */
  fail(rank: number, reason: string): void {
    if (this.firstFailure !== undefined || this.stopReason !== undefined) return;
    const worker = this.workers[rank];
    this.firstFailure = { status: 'ERROR', reason, failedRank: rank, exitCode: null, signal: null, logTail: worker?.tail.slice() ?? [] };
    this.stop(reason);
  }

  /** Ranks whose process has not exited yet. */
  liveRanks(): number[] {
    return this.workers.filter((w) => !w.exited).map((w) => w.rank);
  }

  /** Last-resort synchronous kill, for when the driver itself is going away. */
  killNow(): void {
    this.signalAll('SIGKILL', true);
  }

  private signalAll(signal: NodeJS.Signals, includeExited = false): void {
    for (const w of this.workers) {
      if ((w.exited && !includeExited) || w.child.pid === undefined) continue;
      try {
        process.kill(-w.child.pid, signal);
      } catch {
        // The group is already gone.
      }
    }
  }

  private onExit(worker: Worker, code: number | null, signal: NodeJS.Signals | null, startError?: string): void {
    if (worker.exited) return;
    worker.exited = true;
    worker.log.end();
    this.onRankExit(worker.rank, code !== 0);
    const failed = code !== 0 && this.stopReason === undefined;
    if (failed && this.firstFailure === undefined) {
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      this.firstFailure = {
        status: 'ERROR',
        reason: startError ?? `worker ${worker.rank} ${how}`,
        failedRank: worker.rank,
        exitCode: code,
        signal,
        logTail: startError ? [startError] : worker.tail.slice(),
      };
      this.stop(this.firstFailure.reason);
    }
    if (this.workers.every((w) => w.exited)) {
      // Reap the rest of each group (grandchildren) before declaring the group gone.
      this.signalAll('SIGKILL', true);
      if (this.killTimer) clearTimeout(this.killTimer);
      this.resolveDone(
        this.firstFailure ?? { status: 'TERMINATED', reason: this.stopReason ?? 'all workers exited 0' },
      );
    }
  }
}
