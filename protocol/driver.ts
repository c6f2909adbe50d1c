/**
 * Messages between the Tuner and a Trainer driver (Node IPC channel locally, files in a Slurm job).
 * A local driver process hosts several trials at once and is reused for many, so short trials
 * do not pay a Node start-up (~62 ms CPU, ~45 MB) each.
 */
import type { TrialGrant } from './trial';

/** Everything a driver needs to run one trial's worker group. */
export interface TrialLaunch {
  trialId: string;
  trialName: string;
  experimentPath: string;
  trialDir: string;
  /** argv with the interpreter already resolved to an absolute path. */
  command: string[];
  cwd: string;
  /** Extra environment for every worker (the spec's trainer.env plus PYTHONPATH etc.). */
  env: Record<string, string>;
  /** The trial's train_loop_config, exported as TUNEKIT_CONFIG. */
  config: Record<string, unknown>;
  grant: TrialGrant;
  /** Checkpoint directory to resume from, exported as TUNEKIT_CHECKPOINT. */
  checkpoint: string | null;
  /** Unix socket path for worker reports (inside a 0700 directory). */
  reportSocket: string;
  reportToken: string;
  /** Seconds between SIGTERM and SIGKILL when stopping the group. */
  stopGraceS: number;
  /** Deadlines that turn a hung worker into a failure (0 = off). */
  startupTimeoutS: number;
  reportTimeoutS: number;
  /** What each worker asks for (a cluster backend requests it from its scheduler). */
  perWorker?: { CPU: number; GPU: number };
  /** training_iteration the trial resumes at; results of this launch continue from there. */
  iteration?: number;
  /**
   * trainer.warm_start: Python workers are forked from a warm parent that already imported
   * `imports` (null: the script's own top-level imports). Absent means on, with discovery.
   */
  warmStart?: { enabled: boolean; imports: string[] | null };
  /** Set when the driver runs inside a Slurm job: the workers are one `srun` step placed by Slurm. */
  srun?: { cpusPerTask: number; gpusPerTask: number; nodes: number };
  /**
   * The Tuner's process listens on `reportSocket` itself (a local trial): workers' reports reach
   * it in one hop, and the driver only says when each rank exits (`rank_exited`) and fails a rank
   * the Tuner found hung (`fail_rank`). Absent: the driver serves the socket and relays rounds.
   */
  reportsInTuner?: boolean;
}

/** Tuner → driver. */
export type TunerToDriver =
  /** Run this trial; the driver answers with `started` then `ended`. */
  | { type: 'launch'; launch: TrialLaunch }
  /** Stop the running trial (scheduler decision, stop criteria, user, Ctrl-C). */
  | { type: 'stop'; trialId: string; reason: string }
  /** Answer to `result`: persisted, with the checkpoint's name; `stop` ends the trial. */
  | { type: 'result_ack'; trialId: string; id: number; checkpointDirName: string | null; error?: string; stop: boolean }
  /** Exit once idle. */
  | { type: 'shutdown' };

/** A round of reports for the Tuner, and the Tuner's answer to it. */
export type ResultMessage = DriverToTuner & { type: 'result' };
export type ResultAck = TunerToDriver & { type: 'result_ack' };

/** What a local launcher says to its driver processes: the Tuner's messages, and a hung rank's failure. */
export type LauncherToDriver = TunerToDriver | { type: 'fail_rank'; trialId: string; rank: number; reason: string };

/** Why a worker group ended. */
export interface GroupExit {
  /** TERMINATED when every worker exited 0 or the Tuner stopped it; ERROR otherwise. */
  status: 'TERMINATED' | 'ERROR';
  reason: string;
  failedRank?: number;
  exitCode?: number | null;
  signal?: string | null;
  /** Last lines of the failing worker's output, for error.txt and the CLI. */
  logTail?: string[];
  /**
   * The job was preempted, requeued or reached its time limit: the trial goes back to the
   * queue from its latest checkpoint, and this is not counted as a failure.
   */
  preempted?: boolean;
  /** The job itself got SIGTERM from Slurm (scancel, preemption or requeue). */
  jobSignalled?: boolean;
  /** No worker ever started (a queued cluster job was cancelled): the trial did not run. */
  neverStarted?: boolean;
}

/** Driver → Tuner. */
export type DriverToTuner =
  | { type: 'ready'; pid: number }
  /** `startTimes` (from /proc, clock ticks since boot) let a later resume tell our workers from a reused PID. */
  | { type: 'started'; trialId: string; pids: number[]; startTimes: Array<number | null>; masterPort: number }
  /**
   * One round of reports (every live rank's k-th report); `id` pairs it with `result_ack`.
   * `metrics` are rank 0's (null if rank 0 already exited); `checkpoints` are the directories
   * ranks passed, to be merged into one checkpoint.
   */
  | { type: 'result'; trialId: string; id: number; metrics: Record<string, unknown> | null; checkpoints: string[] }
  /** Batched worker output lines, streamed live. */
  | { type: 'log'; trialId: string; lines: Array<{ rank: number; stream: 'stdout' | 'stderr'; line: string }> }
  /** A rejected report stream (wrong token, malformed line…), already rate-limited. */
  | { type: 'rejected'; trialId: string; what: string }
  /** One line for the trial's events, e.g. why its workers started cold instead of warm. */
  | { type: 'note'; trialId: string; note: string }
  | { type: 'ended'; trialId: string; exit: GroupExit }
  /** From a cluster backend, not a driver: where the trial's job stands in the queue. */
  | { type: 'job'; trialId: string; job: TrialJob };

/** What a driver process says to its local launcher: the Tuner's messages, and each rank's exit for the launcher's report barrier. */
export type DriverToLauncher = DriverToTuner | { type: 'rank_exited'; trialId: string; rank: number; failed: boolean };

/** A trial's cluster job as the Tuner last saw it. */
export interface TrialJob {
  id: string;
  name: string;
  /** Slurm's state: PENDING, RUNNING, COMPLETING… */
  state: string;
  /** Why a pending job waits (Priority, Resources, QOSMaxJobsPerUserLimit…). */
  reason?: string;
  nodes?: string;
}
