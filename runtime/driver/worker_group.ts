import { spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { GroupExit, TrialLaunch } from '../../protocol/driver';
import { WarmParent, type WorkerExit } from './warm_parent';
import { warmKey, warmParentEnv, warmTarget, type WarmTarget } from './warm_plan';
import type { WarmPool } from './warm_pool';
import { workerEnv } from './worker_env';
import { withParentDeathSignal } from './worker_process';
import { WorkerStdioServer } from './worker_stdio';

const TAIL_LINES = 40;
/** A warm parent that has not imported its modules by then is given up for this trial. */
const WARM_READY_MAX_MS = 120_000;
/** How long an exited forked worker's output may take to connect. */
const STREAM_GRACE_MS = 500;

export interface WorkerLine {
  rank: number;
  stream: 'stdout' | 'stderr';
  line: string;
}

interface Worker {
  rank: number;
  pid: number | undefined;
  exited: boolean;
  log: WriteStream;
  tail: string[];
  /** Output streams still open; a worker's exit counts once they end, as a child's 'close'. */
  openStreams: number;
  /** A forked worker's streams not connected yet (it may exit before they are accepted). */
  unconnected: number;
  exit?: { code: number | null; signal: NodeJS.Signals | null; startError?: string };
}

/** The log file of one worker in its trial directory. */
export function workerLogName(rank: number): string {
  return `worker_${rank}.log`;
}

/** How a group's workers start: forked from a warm parent, or each a fresh process. */
export interface WorkerStartOptions {
  /** The driver's warm parents; without it every worker starts cold. */
  warm?: WarmPool;
  /** One line for the trial's events (why warm start was not used). */
  onNote?: (note: string) => void;
  baseEnv?: NodeJS.ProcessEnv;
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
  private stdio: WorkerStdioServer | undefined;
  readonly done: Promise<GroupExit>;
  /** Every worker has a pid (or failed to start). */
  readonly started: Promise<void>;
  /** Workers forked from a warm parent, for tests and the bench. */
  warmStarted = 0;
  private resolveDone!: (exit: GroupExit) => void;

  constructor(
    private readonly launch: TrialLaunch,
    private readonly masterPort: number,
    private readonly onLine: (line: WorkerLine) => void,
    private readonly onRankExit: (rank: number, failed: boolean) => void = () => undefined,
    private readonly options: WorkerStartOptions = {},
  ) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    for (let rank = 0; rank < launch.grant.workers.length; rank++) {
      const log = createWriteStream(join(launch.trialDir, workerLogName(rank)), { flags: 'a' });
      this.workers.push({ rank, pid: undefined, exited: false, log, tail: [], openStreams: 0, unconnected: 0 });
    }
    this.started = this.startAll();
  }

  get pids(): number[] {
    return this.workers.map((w) => w.pid ?? -1);
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

  private async startAll(): Promise<void> {
    const warm = await this.warmParent();
    for (const worker of this.workers) {
      if (this.stopReason !== undefined || this.firstFailure !== undefined) {
        this.onExit(worker, { code: null, signal: null, startError: `worker ${worker.rank} was not started: ${this.stopReason ?? this.firstFailure?.reason}` });
        continue;
      }
      if (warm) {
        try {
          await this.startWarm(worker, warm.parent, warm.target);
          this.warmStarted++;
          continue;
        } catch (err) {
          this.options.onNote?.(`worker ${worker.rank} started cold: its warm parent could not fork it (${(err as Error).message})`);
        }
      }
      this.startCold(worker);
    }
    // A stop that came while workers were starting reaches the late ones too.
    if (this.stopReason !== undefined || this.firstFailure !== undefined) this.signalAll('SIGTERM');
  }

  /** The warm parent for this trial's workers, or undefined (with a note when it is a fallback). */
  private async warmParent(): Promise<{ parent: WarmParent; target: WarmTarget } | undefined> {
    const pool = this.options.warm;
    const settings = this.launch.warmStart;
    if (!pool || settings?.enabled === false || this.launch.srun) return undefined;
    const target = warmTarget(this.launch.command);
    if ('cold' in target) {
      // Node and other interpreters cannot fork a warmed process: cold is their normal start.
      if (!/is not a Python interpreter/.test(target.cold)) this.options.onNote?.(`warm start off for this trial: ${target.cold}; workers start cold`);
      return undefined;
    }
    const imports = settings?.imports ?? null;
    const parentEnv = warmParentEnv(workerEnv(this.launch, 0, this.masterPort, this.options.baseEnv ?? process.env));
    const key = warmKey(this.launch.command, this.launch.cwd, imports, parentEnv);
    try {
      this.stdio ??= await WorkerStdioServer.listen(`${this.launch.reportSocket}.out`);
      const { parent, imported, warmUpS } = await pool.get(
        key,
        () =>
          new WarmParent(
            this.launch.command[0],
            { target: target.target, module: target.module, imports },
            this.launch.cwd,
            parentEnv,
            Math.min(WARM_READY_MAX_MS, Math.max(1, this.launch.startupTimeoutS) * 1000),
            this.launch.command.slice(1),
          ),
      );
      for (const note of parent.takeNotes()) this.options.onNote?.(note);
      if (warmUpS !== undefined) {
        // Paid once per driver, as Optuna pays its start-up once per run: say it, so it can be counted.
        const what = imported?.length ? imported.join(', ') : 'nothing beyond the interpreter';
        this.options.onNote?.(`workers fork from a new warm parent, which imported ${what} in ${warmUpS.toFixed(3)} s`);
      }
      return { parent, target };
    } catch (err) {
      this.options.onNote?.(`warm start off for this trial: ${(err as Error).message}; workers start cold`);
      return undefined;
    }
  }

  private startCold(worker: Worker): void {
    const [file, ...args] = withParentDeathSignal(this.launch.command);
    const child = spawn(file, args, {
      cwd: this.launch.cwd,
      env: workerEnv(this.launch, worker.rank, this.masterPort, this.options.baseEnv ?? process.env),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    worker.pid = child.pid;
    this.attach(worker, 'stdout', child.stdout!);
    this.attach(worker, 'stderr', child.stderr!);
    child.on('error', (err) => this.onExit(worker, { code: 127, signal: null, startError: `could not start ${this.launch.command[0]}: ${err.message}` }));
    child.on('close', (code, signal) => this.onExit(worker, { code, signal }));
  }

  private async startWarm(worker: Worker, parent: WarmParent, target: WarmTarget): Promise<void> {
    const stdio = this.stdio!;
    worker.unconnected = 2;
    const nonce = stdio.expect((stream, readable) => {
      if (--worker.unconnected === 0) stdio.forget(nonce);
      this.attach(worker, stream, readable);
    });
    const exited = (exit: WorkerExit) => {
      worker.exit = exit.code === null && exit.signal === null ? { ...exit, startError: `worker ${worker.rank}'s warm parent exited under it` } : exit;
      if (worker.unconnected > 0) {
        // Its output may still be on the way in; a worker that never connected has none.
        setTimeout(() => {
          stdio.forget(nonce);
          worker.unconnected = 0;
          this.maybeExited(worker);
        }, STREAM_GRACE_MS).unref();
      }
      this.maybeExited(worker);
    };
    worker.pid = await parent.fork(
      {
        argv: target.argv,
        module: target.module,
        env: workerEnv(this.launch, worker.rank, this.masterPort, this.options.baseEnv ?? process.env),
        cwd: this.launch.cwd,
        stdio: stdio.socketPath,
        nonce,
      },
      exited,
    );
    // Its exit may have been read in the same chunk as its pid.
    this.maybeExited(worker);
  }

  private attach(worker: Worker, stream: 'stdout' | 'stderr', readable: Readable): void {
    worker.openStreams++;
    readable.pipe(worker.log, { end: false });
    createInterface({ input: readable, crlfDelay: Infinity }).on('line', (line) => {
      worker.tail.push(line);
      if (worker.tail.length > TAIL_LINES) worker.tail.shift();
      this.onLine({ rank: worker.rank, stream, line });
    });
    readable.once('close', () => {
      worker.openStreams--;
      this.maybeExited(worker);
    });
  }

  /** A forked worker is gone once its parent reported its exit and its output ended. */
  private maybeExited(worker: Worker): void {
    if (worker.exit && worker.openStreams === 0 && worker.unconnected === 0 && worker.pid !== undefined) this.onExit(worker, worker.exit);
  }

  private signalAll(signal: NodeJS.Signals, includeExited = false): void {
    for (const w of this.workers) {
      if ((w.exited && !includeExited) || w.pid === undefined) continue;
      try {
        process.kill(-w.pid, signal);
      } catch {
        // The group is already gone.
      }
    }
  }

  private onExit(worker: Worker, exit: NonNullable<Worker['exit']>): void {
    if (worker.exited) return;
    const { code, signal, startError } = exit;
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
        logTail: startError ? [...worker.tail, startError] : worker.tail.slice(),
      };
      this.stop(this.firstFailure.reason);
    }
    if (this.workers.every((w) => w.exited)) {
      // Reap the rest of each group (grandchildren) before declaring the group gone.
      this.signalAll('SIGKILL', true);
      if (this.killTimer) clearTimeout(this.killTimer);
      this.stdio?.close();
      this.resolveDone(
        this.firstFailure ?? { status: 'TERMINATED', reason: this.stopReason ?? 'all workers exited 0' },
      );
    }
  }
}
