import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DriverToLauncher, DriverToTuner, LauncherToDriver, TrialLaunch, TunerToDriver } from '../../protocol/driver';
import { leanHeapFlags } from '../../protocol/node_flags';
import { TrialReports } from '../report/trial_reports';
import type { DriverExitHandler, DriverHandle, DriverMessageHandler, TrialLauncher } from './trial_launcher';

/**
 * How many trials one local driver process hosts. A Node process costs ~45 MB and ~62 ms of CPU
 * to start; its trials' workers are separate processes either way, so a crashing or leaking
 * trial still harms no other. Eight keeps 16 concurrent trials within two processes.
 */
export const TRIALS_PER_DRIVER_PROCESS = 8;

/** Where the driver entry lives: beside the bundle, or in the one-to-one build for tests. */
export function driverEntry(): string {
  const candidates = [join(__dirname, 'driver.js'), join(__dirname, '../driver/main.js')];
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error(`Trainer driver entry not found (looked in ${candidates.join(', ')})`);
  return found;
}

/** One forked driver process and the trial slots it hosts. */
class DriverProcess {
  readonly ready: Promise<void>;
  /** Slots handed out and not yet released, by the trial each runs once launched. */
  readonly slots = new Set<DriverSlot>();
  private exited = false;

  constructor(
    readonly child: ChildProcess,
    onExit: (proc: DriverProcess, code: number | null, signal: NodeJS.Signals | null) => void,
  ) {
    this.ready = new Promise((resolve, reject) => {
      child.once('error', reject);
      child.on('message', (raw) => {
        const msg = raw as DriverToLauncher;
        if (msg.type === 'ready') return resolve();
        for (const slot of this.slots) if (slot.trialId === msg.trialId) return slot.fromDriver(msg);
      });
      child.once('exit', (code, signal) => {
        this.exited = true;
        reject(new Error(`Trainer driver exited before it was ready (code ${code}, signal ${signal})`));
        onExit(this, code, signal);
      });
    });
    // A driver that never became ready is reported through acquire(); nobody else awaits this.
    this.ready.catch(() => undefined);
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  get alive(): boolean {
    return !this.exited;
  }

  post(msg: LauncherToDriver): void {
    if (this.alive && this.child.connected) this.child.send(msg);
  }
}

/**
 * One trial's place in a driver process: what the Tuner holds as its DriverHandle. The trial's
 * report socket is served here, in the Tuner's process, so a worker's report reaches the Tuner
 * in one hop and its ack comes straight back; the driver process only starts, watches and stops
 * the workers.
 */
export class DriverSlot implements DriverHandle {
  trialId: string | undefined;
  private reports: TrialReports | undefined;
  /** Messages to the driver leave in order, a launch only once its socket listens. */
  private outbox: Promise<void> = Promise.resolve();

  constructor(
    private readonly proc: DriverProcess,
    private readonly onMessage: DriverMessageHandler,
  ) {}

  get pid(): number {
    return this.proc.pid;
  }

  get alive(): boolean {
    return this.proc.alive;
  }

  send(msg: TunerToDriver): void {
    switch (msg.type) {
      case 'launch':
        this.trialId = msg.launch.trialId;
        this.enqueue(() => this.launch(msg.launch));
        return;
      case 'result_ack':
        // Answered at once, not behind the outbox: the worker waits for it.
        if (msg.trialId !== this.trialId) return;
        this.reports?.answer(msg);
        if (msg.stop) this.enqueue(() => this.proc.post({ type: 'stop', trialId: msg.trialId, reason: 'stopped by the Tuner' }));
        return;
      case 'stop':
        this.enqueue(() => this.proc.post(msg));
        return;
      case 'shutdown':
        // The pool decides when a driver process exits.
        return;
    }
  }

  fromDriver(msg: DriverToLauncher): void {
    if (msg.type === 'rank_exited') return this.reports?.rankExited(msg.rank, msg.failed);
    if (msg.type !== 'ended') return this.deliver(msg);
    // Reports still unanswered fail before the Tuner hears of the end, as they did in the driver.
    const reports = this.reports;
    this.reports = undefined;
    void (reports?.close() ?? Promise.resolve()).then(() => this.deliver(msg));
  }

  /** The driver process died under this trial. */
  processDied(): void {
    void this.reports?.close();
    this.reports = undefined;
  }

  private enqueue(step: () => void | Promise<void>): void {
    // A step never rejects: launch turns its own failure into the trial's end.
    this.outbox = this.outbox.then(step);
  }

  private async launch(launch: TrialLaunch): Promise<void> {
    const trialId = launch.trialId;
    try {
      this.reports = await TrialReports.open(launch, {
        relay: (msg) => this.deliver(msg),
        rejected: (what) => this.deliver({ type: 'rejected', trialId, what }),
        hung: (rank, reason) => this.proc.post({ type: 'fail_rank', trialId, rank, reason }),
      });
    } catch (err) {
      this.deliver({ type: 'ended', trialId, exit: { status: 'ERROR', reason: `driver failed: ${(err as Error).message}` } });
      return;
    }
    this.proc.post({ type: 'launch', launch: { ...launch, reportsInTuner: true } });
  }

  private deliver(msg: DriverToTuner): void {
    this.onMessage(this, msg);
  }
}

/**
 * Local driver processes, each hosting up to `trialsPerProcess` trials and reused for many, so
 * short trials pay no Node start-up and concurrent ones share a process.
 */
export class DriverPool implements TrialLauncher {
  private readonly processes = new Set<DriverProcess>();

  constructor(
    private readonly onMessage: DriverMessageHandler,
    private readonly onDriverExit: DriverExitHandler,
    private readonly trialsPerProcess = TRIALS_PER_DRIVER_PROCESS,
  ) {}

  async acquire(): Promise<DriverSlot> {
    let proc = [...this.processes].find((p) => p.alive && p.slots.size < this.trialsPerProcess);
    proc ??= this.start();
    // Taken before the wait, so concurrent acquires do not overfill one process.
    const slot = new DriverSlot(proc, this.onMessage);
    proc.slots.add(slot);
    try {
      await proc.ready;
    } catch (err) {
      proc.slots.delete(slot);
      throw err;
    }
    return slot;
  }

  release(handle: DriverHandle): void {
    for (const proc of this.processes) proc.slots.delete(handle as DriverSlot);
  }

  /** Ends every driver process and waits for them; drivers kill their groups on the way out. */
  async shutdown(): Promise<void> {
    const exits = [...this.processes].map(
      (p) =>
        new Promise<void>((resolve) => {
          if (!p.alive) return resolve();
          p.child.once('exit', () => resolve());
          p.child.kill('SIGTERM');
        }),
    );
    await Promise.all(exits);
  }

  /** Driver processes alive now (for tests and the memory benchmark). */
  get processCount(): number {
    return [...this.processes].filter((p) => p.alive).length;
  }

  private start(): DriverProcess {
    const child = fork(driverEntry(), [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
      execArgv: [...process.execArgv, ...leanHeapFlags(process.versions)],
    });
    const proc = new DriverProcess(child, (p, code, signal) => {
      this.processes.delete(p);
      for (const slot of p.slots) {
        slot.processDied();
        this.onDriverExit(slot, code, signal);
      }
    });
    this.processes.add(proc);
    return proc;
  }
}
