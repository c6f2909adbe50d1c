/** A real Tuner on a fake launcher and a hand-moved clock: the trial lifecycle in milliseconds. */
import type { TestContext } from 'node:test';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GroupExit, TunerToDriver } from '../../../protocol/driver';
import type { JournalEvent } from '../../../protocol/journal';
import { resolveSpec, type RawSpec } from '../../../runtime/spec/defaults';
import type { Clock } from '../../../runtime/tuner/clock';
import type { DriverHandle, LauncherHooks, TrialLauncher } from '../../../runtime/tuner/trial_launcher';
import type { TrialRecord } from '../../../runtime/tuner/trial_record';
import { Tuner, type ExperimentOutcome } from '../../../runtime/tuner/tuner';

type Launch = Extract<TunerToDriver, { type: 'launch' }>['launch'];

export class FakeDriver implements DriverHandle {
  readonly pid = 4242;
  alive = true;
  readonly sent: TunerToDriver[] = [];
  constructor(private readonly launcher: FakeLauncher) {}
  send(msg: TunerToDriver): void {
    this.sent.push(msg);
    this.launcher.changed();
  }
  get launch(): Launch | undefined {
    const msg = this.sent.find((m) => m.type === 'launch');
    return msg?.type === 'launch' ? msg.launch : undefined;
  }
  stopsAsked(): number {
    return this.sent.filter((m) => m.type === 'stop').length;
  }
}

export class FakeLauncher implements TrialLauncher {
  readonly drivers: FakeDriver[] = [];
  readonly released: FakeDriver[] = [];
  private waiters: Array<() => void> = [];
  constructor(readonly hooks: LauncherHooks) {}
  acquire(): Promise<DriverHandle> {
    const driver = new FakeDriver(this);
    this.drivers.push(driver);
    return Promise.resolve(driver);
  }
  release(driver: DriverHandle): void {
    this.released.push(driver as FakeDriver);
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
  changed(): void {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((w) => w());
  }
}

/** Time moves only when a test says so; a zero delay fires on the next turn of the event loop. */
export class ManualClock implements Clock {
  private ms = 1_700_000_000_000;
  private timers: Array<{ at: number; fn: () => void }> = [];
  now(): number {
    return this.ms;
  }
  after(ms: number, fn: () => void): () => void {
    if (ms <= 0) {
      const handle = setImmediate(fn);
      return () => clearImmediate(handle);
    }
    const timer = { at: this.ms + ms, fn };
    this.timers.push(timer);
    return () => (this.timers = this.timers.filter((t) => t !== timer));
  }
  advance(ms: number): void {
    this.ms += ms;
    const due = this.timers.filter((t) => t.at <= this.ms);
    this.timers = this.timers.filter((t) => t.at > this.ms);
    due.forEach((t) => t.fn());
  }
  pending(): number {
    return this.timers.length;
  }
}

/** Resolves once `condition` holds, checking after every turn of the event loop (a second at most). */
export async function until(condition: () => boolean, what = 'the condition'): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

export interface Harness {
  tuner: Tuner;
  launcher: FakeLauncher;
  clock: ManualClock;
  root: string;
  done: Promise<ExperimentOutcome>;
  warnings: string[];
  trial(index: number): TrialRecord;
  /** The `n`th driver (0-based) once its launch arrived. */
  launched(n: number): Promise<FakeDriver>;
  started(driver: FakeDriver): void;
  /** Sends a result; resolves with its ack. `checkpoint` writes a worker checkpoint directory first. */
  result(driver: FakeDriver, metrics: Record<string, unknown> | null, checkpoint?: boolean): Promise<Extract<TunerToDriver, { type: 'result_ack' }>>;
  /** Sends a result without waiting for its ack. */
  sendResult(driver: FakeDriver, metrics: Record<string, unknown> | null, checkpoint?: boolean): number;
  ended(driver: FakeDriver, exit: GroupExit): void;
  exited(driver: FakeDriver, code: number | null): void;
  journal(): JournalEvent[];
  rows(trial: TrialRecord): Array<Record<string, unknown>>;
}

let resultIds = 0;

export function tunerHarness(t: TestContext, raw: Partial<RawSpec> = {}, capacityCPU = 2): Harness {
  const root = mkdtempSync(join(tmpdir(), 'tunekit-tuner-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const spec = resolveSpec(
    {
      trainer: { command: [process.execPath, 'train.js'], working_dir: root, ...raw.trainer },
      param_space: { train_loop_config: { lr: { grid_search: [0.1] } } },
      ...raw,
      run_config: { name: 'exp', storage_path: root, ...raw.run_config },
    } as RawSpec,
    join(root, 'exp.tune.yaml'),
    {},
  );
  let launcher!: FakeLauncher;
  const clock = new ManualClock();
  const tuner = new Tuner({
    spec,
    capacity: { CPU: capacityCPU, gpus: [], simulated: true },
    machine: {},
    env: process.env,
    clock,
    launcher: (hooks) => (launcher = new FakeLauncher(hooks)),
  });
  const warnings: string[] = [];
  tuner.on('warning', (m: string) => warnings.push(m));
  const done = tuner.run();
  const trialIdOf = (driver: FakeDriver) => driver.launch!.trialId;
  const sendResult = (driver: FakeDriver, metrics: Record<string, unknown> | null, checkpoint = false): number => {
    const id = ++resultIds;
    const checkpoints: string[] = [];
    if (checkpoint) {
      const dir = join(root, `worker_ckpt_${id}`);
      mkdirSync(dir);
      writeFileSync(join(dir, 'model.txt'), String(id));
      checkpoints.push(dir);
    }
    launcher.hooks.onMessage(driver, { type: 'result', trialId: trialIdOf(driver), id, metrics, checkpoints });
    return id;
  };
  return {
    tuner,
    get launcher() {
      return launcher;
    },
    clock,
    root,
    done,
    warnings,
    trial: (index) => tuner.trials[index],
    async launched(n) {
      await until(() => launcher.drivers[n]?.launch !== undefined, `launch #${n}`);
      return launcher.drivers[n];
    },
    started(driver) {
      launcher.hooks.onMessage(driver, { type: 'started', trialId: trialIdOf(driver), pids: [1], startTimes: [null], masterPort: 0 });
    },
    sendResult,
    async result(driver, metrics, checkpoint = false) {
      const id = sendResult(driver, metrics, checkpoint);
      const ack = () => driver.sent.find((m): m is Extract<TunerToDriver, { type: 'result_ack' }> => m.type === 'result_ack' && m.id === id);
      await until(() => ack() !== undefined, `the ack of result ${id}`);
      return ack()!;
    },
    ended(driver, exit) {
      launcher.hooks.onMessage(driver, { type: 'ended', trialId: trialIdOf(driver), exit });
    },
    exited(driver, code) {
      driver.alive = false;
      launcher.hooks.onExit(driver, code, null);
    },
    journal: () =>
      readFileSync(join(root, 'exp', 'events.jsonl'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as JournalEvent),
    rows: (trial) => {
      try {
        return readFileSync(join(trial.dir, 'result.json'), 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Record<string, unknown>);
      } catch {
        return [];
      }
    },
  };
}
