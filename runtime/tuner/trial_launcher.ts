/**
 * The seam between the Tuner and where a trial's worker group runs. The Tuner speaks the same
 * driver messages (protocol/driver.ts) to every backend: a forked local driver process
 * (driver_pool.ts) or a driver inside a Slurm job (runtime/backends/slurm/).
 */
import type { DriverToTuner, TunerToDriver } from '../../protocol/driver';
import type { UnstampedJournalEvent } from '../storage/journal';

/** One trial's driver, wherever it runs. */
export interface DriverHandle {
  /** Recorded in result rows as Ray's `pid`: the local driver's process id, 0 for a remote one. */
  readonly pid: number;
  readonly alive: boolean;
  send(msg: TunerToDriver): void;
}

export interface TrialLauncher {
  /** A driver ready for a `launch` message. */
  acquire(): Promise<DriverHandle>;
  /** The trial on `driver` ended; it may take another. */
  release(driver: DriverHandle): void;
  /** Ends every driver and whatever it runs. */
  shutdown(): Promise<void>;
  /**
   * On a resume: drivers of the earlier run that still run the given (unfinished) trials, to be
   * adopted instead of launched again. A local run has none (its drivers died with the Tuner).
   */
  reattach?(trials: ReattachCandidate[], journalPath: string): Promise<Map<string, DriverHandle>>;
}

export interface ReattachCandidate {
  id: string;
  dir: string;
  /** training_iteration of the last result on disk. */
  iteration: number;
}

export type DriverMessageHandler = (driver: DriverHandle, msg: DriverToTuner) => void;
export type DriverExitHandler = (driver: DriverHandle, code: number | null, signal: NodeJS.Signals | null) => void;

/** What a launcher may ask of its Tuner. */
export interface LauncherHooks {
  onMessage: DriverMessageHandler;
  onExit: DriverExitHandler;
  /** Appends to the experiment's journal; resolves once it is on disk (job ids go there before anything depends on them). */
  record: (event: UnstampedJournalEvent) => Promise<void>;
  warn: (message: string) => void;
}

/** How a Tuner makes its launcher; the local driver pool unless a backend says otherwise. */
export type LauncherFactory = (hooks: LauncherHooks) => TrialLauncher;
