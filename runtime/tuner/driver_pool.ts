import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DriverToTuner, TunerToDriver } from '../../protocol/driver';
import type { DriverHandle, TrialLauncher } from './trial_launcher';

/** Where the driver entry lives: beside the bundle, or in the one-to-one build for tests. */
export function driverEntry(): string {
  const candidates = [join(__dirname, 'driver.js'), join(__dirname, '../driver/main.js')];
  const found = candidates.find((c) => existsSync(c));
  if (!found) throw new Error(`Trainer driver entry not found (looked in ${candidates.join(', ')})`);
  return found;
}

export class DriverProcess implements DriverHandle {
  readonly ready: Promise<void>;
  private exited = false;

  constructor(
    readonly child: ChildProcess,
    onMessage: (driver: DriverProcess, msg: DriverToTuner) => void,
    onExit: (driver: DriverProcess, code: number | null, signal: NodeJS.Signals | null) => void,
  ) {
    this.ready = new Promise((resolve, reject) => {
      child.once('error', reject);
      child.on('message', (raw) => {
        const msg = raw as DriverToTuner;
        if (msg.type === 'ready') resolve();
        else onMessage(this, msg);
      });
      child.once('exit', (code, signal) => {
        this.exited = true;
        reject(new Error(`Trainer driver exited before it was ready (code ${code}, signal ${signal})`));
        onExit(this, code, signal);
      });
    });
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  get alive(): boolean {
    return !this.exited;
  }

  send(msg: TunerToDriver): void {
    if (this.alive && this.child.connected) this.child.send(msg);
  }
}

/**
 * Reusable Trainer driver processes. Starting Node costs ~62 ms of CPU, which would
 * dominate short trials; an idle driver takes the next trial instead.
 */
export class DriverPool implements TrialLauncher {
  private readonly idle: DriverProcess[] = [];
  private readonly all = new Set<DriverProcess>();

  constructor(
    private readonly onMessage: (driver: DriverHandle, msg: DriverToTuner) => void,
    private readonly onDriverExit: (driver: DriverHandle, code: number | null, signal: NodeJS.Signals | null) => void,
    private readonly maxIdle = 32,
  ) {}

  async acquire(): Promise<DriverProcess> {
    while (this.idle.length) {
      const driver = this.idle.pop()!;
      if (driver.alive) return driver;
    }
    const child = fork(driverEntry(), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' });
    const driver = new DriverProcess(child, this.onMessage, (d, code, signal) => {
      this.all.delete(d);
      const i = this.idle.indexOf(d);
      if (i >= 0) this.idle.splice(i, 1);
      this.onDriverExit(d, code, signal);
    });
    this.all.add(driver);
    await driver.ready;
    return driver;
  }

  release(handle: DriverHandle): void {
    const driver = handle as DriverProcess;
    if (!driver.alive) return;
    if (this.idle.length >= this.maxIdle) driver.send({ type: 'shutdown' });
    else this.idle.push(driver);
  }

  /** Asks every driver to exit and waits for them; drivers kill their groups on the way out. */
  async shutdown(): Promise<void> {
    const exits = [...this.all].map(
      (d) =>
        new Promise<void>((resolve) => {
          if (!d.alive) return resolve();
          d.child.once('exit', () => resolve());
          d.child.kill('SIGTERM');
        }),
    );
    await Promise.all(exits);
  }
}
