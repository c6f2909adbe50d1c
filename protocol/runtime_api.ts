/**
 * The extension ⇄ runtime contract, on top of the language-server protocol. Every custom
 * request and notification is declared here once, with its direction; both sides import
 * these constants, so a method name is never spelled twice (rust-analyzer's lsp_ext.ts).
 * No vscode import and no runtime logic here: plain data only.
 */
import type { TrialJob } from './driver';
import type { DecisionKind, TrialStatus } from './trial';

// ---------------------------------------------------------------------------------------
// Data the views draw. State flows one way: runtime (truth) → extension store → views.

export type ExperimentState = 'running' | 'finished' | 'stopped' | 'failed' | 'interrupted';

export interface ExperimentSummary {
  /** Absolute experiment directory: the stable id of an experiment. */
  path: string;
  name: string;
  /** The spec it was started from, when known. */
  specPath?: string;
  state: ExperimentState;
  /** Whether this runtime is driving it now (vs. browsed from disk). */
  live: boolean;
  counts: Record<TrialStatus, number>;
  /** Trials the searcher will make in all, when known. */
  totalTrials?: number;
  metric?: string;
  mode?: 'min' | 'max';
  /** The best trial by its last result (Ray's get_best_result scope "last"). */
  best?: { trialId: string; value: number };
  /** Epoch seconds. */
  startedAt: number;
  endedAt?: number;
  reason?: string;
}

/**
 * What "best" compares, as Ray's `ResultGrid.get_best_result(scope=...)` does: each trial's
 * last reported result (Ray's default), or the best result it ever reported, even one a
 * scheduler stopped it after. Every view says which it shows (issue 15).
 */
export type BestScope = 'last' | 'all';

export const BEST_SCOPE_LABEL: Record<BestScope, string> = {
  last: 'last result',
  all: 'best result ever',
};

export const BEST_SCOPE_DOC: Record<BestScope, string> = {
  last: "Each trial's last reported result, as Ray's get_best_result(scope=\"last\") compares them (its default).",
  all: 'The best result each trial ever reported, as Ray\'s get_best_result(scope="all") compares them.',
};

export interface CheckpointInfo {
  name: string;
  iteration: number;
  /** The checkpoint the trial was last restored from. */
  restoredFrom?: boolean;
}

/** A checkpoint restore (after a failure, a promotion or a PBT exploit), drawn on the curves. */
export interface RestoreEvent {
  ts: number;
  /** training_iteration the trial continues from. */
  iteration: number;
  fromCheckpoint?: string;
  /** e.g. "worker group restarted after: worker 1 was killed by SIGKILL". */
  reason: string;
  afterFailure: boolean;
  /** PBT: `<donor trial dir>/<checkpoint>`. */
  source?: string;
}

/** A scheduler decision (early stop, pause, promotion), drawn on the curves. */
export interface DecisionEvent {
  ts: number;
  iteration: number;
  kind: DecisionKind;
  reason: string;
}

/** A report whose checkpoint was refused, so neither was recorded (journal: `checkpoint_refused`). */
export interface CheckpointRefusal {
  ts: number;
  iteration: number;
  reason: string;
}

export interface TrialSummary {
  experimentPath: string;
  id: string;
  index: number;
  /** Directory name inside the experiment. */
  name: string;
  dir: string;
  status: TrialStatus;
  /** TERMINATED by a scheduler or stop rule before finishing on its own. */
  stoppedEarly: boolean;
  /** Searched parameters: path (a/b) → value. */
  params: Array<{ path: string; value: unknown }>;
  /**
   * What the trial ran with: its param_space sample (params.json), with train_loop_config as the
   * workers got it, the trainer's constants included. Leaves not in `params` were not sampled.
   */
  config: Record<string, unknown>;
  iteration: number;
  /** Last result's numeric metrics (auto-filled keys excluded). */
  metrics: Record<string, number>;
  waitingReason?: string;
  endReason?: string;
  checkpoints: CheckpointInfo[];
  restores: RestoreEvent[];
  decisions: DecisionEvent[];
  /** Absent when none was refused. */
  refusedCheckpoints?: CheckpointRefusal[];
  /** Absolute paths of worker log files. */
  workerLogs: string[];
  /** Live worker processes (rank order) while running. */
  pids: number[];
  failures: number;
  /** The trial's Slurm job while it is queued or running (backend: slurm). */
  job?: TrialJob;
}

export interface SlotHolder {
  experimentPath: string;
  trialId: string;
  /** 'trainable' or a worker rank. */
  rank: number | 'trainable';
  fraction: number;
}

export interface GpuSlot {
  index: number;
  name: string;
  simulated: boolean;
  memoryTotalMiB?: number;
  memoryUsedMiB?: number;
  utilizationPct?: number;
  holders: SlotHolder[];
}

export interface ResourceSnapshot {
  cpu: { total: number; used: number; holders: SlotHolder[] };
  gpus: GpuSlot[];
  /** Trials that wait, with the ledger's reason. */
  waiting: Array<{ experimentPath: string; trialId: string; reason: string; holdsTrainable: boolean }>;
  /** Present while a Slurm experiment runs: the cluster as sinfo/scontrol show it, and our jobs. */
  cluster?: ClusterSnapshot;
}

export interface ClusterSnapshot {
  partitions: Array<{ name: string; isDefault: boolean; up: boolean; nodes: number; cpusPerNode: number; gpusPerNode: number }>;
  nodes: Array<{ name: string; state: string; cpus: number; cpusAllocated: number; gpus: number; gpusAllocated: number }>;
  /** Our experiments' jobs, running or queued (with Slurm's reason). */
  jobs: Array<{ experimentPath: string; trialId: string } & TrialJob>;
}

/** One metric point for charts. */
export interface MetricPoint {
  iteration: number;
  timeTotalS: number;
  ts: number;
  values: Record<string, number>;
}

// ---------------------------------------------------------------------------------------
// Requests: extension → runtime.

export interface RequestType<P, R> {
  readonly method: string;
  /** Phantom fields: they carry the types, never a value. */
  readonly _params?: P;
  readonly _result?: R;
}
export interface NotificationType<P> {
  readonly method: string;
  readonly _params?: P;
}

/** What a request constant carries, for code that names it by its constant: `RequestResult<typeof RuntimeRequests.snapshot>`. */
export type RequestParams<T> = T extends RequestType<infer P, unknown> ? P : never;
export type RequestResult<T> = T extends RequestType<unknown, infer R> ? R : never;
export type NotificationParams<T> = T extends NotificationType<infer P> ? P : never;

function request<P, R>(method: string): RequestType<P, R> {
  return { method };
}
function notification<P>(method: string): NotificationType<P> {
  return { method };
}

/** A spec problem with its position (1-based), as the CLI prints it. */
export interface SpecProblemInfo {
  file: string;
  line: number;
  column: number;
  message: string;
}

/**
 * The `data` of a spec diagnostic (server → editor, and back in a codeAction request): the text
 * that replaces the diagnostic's range when the problem is a near miss ("did you mean").
 */
export interface SpecDiagnosticData {
  replacement?: string;
}

/** Requests fail with this shape in `data` when the spec is wrong. */
export interface SpecErrorData {
  kind: 'spec';
  problems: SpecProblemInfo[];
}

export const RuntimeRequests = {
  /** Extension → runtime: start (or resume, if its results exist) the experiment of a spec file. */
  runExperiment: request<{ specPath: string; resumeErrored?: boolean; restartErrored?: boolean }, { experimentPath: string }>('tunekit/runExperiment'),
  /** Extension → runtime: resume an interrupted experiment from its directory. */
  resumeExperiment: request<{ experimentPath: string; resumeErrored?: boolean; restartErrored?: boolean }, { experimentPath: string }>(
    'tunekit/resumeExperiment',
  ),
  /** Extension → runtime: stop every trial of a running experiment (it stays resumable). */
  stopExperiment: request<{ experimentPath: string }, void>('tunekit/stopExperiment'),
  /** Extension → runtime: stop one running trial (TERMINATED). */
  stopTrial: request<{ experimentPath: string; trialId: string }, void>('tunekit/stopTrial'),
  /**
   * Extension → runtime: continue a finished trial to a new training_iteration, optionally with
   * changed settings (`train_loop_config.lr=0.001`, as `tunekit extend --set`).
   */
  extendTrial: request<{ experimentPath: string; trialId: string; maxIterations: number; settings?: string[] }, void>('tunekit/extendTrial'),
  /** Extension → runtime: the dry run of admission for a spec, as readable text. */
  planExperiment: request<{ specPath: string }, { text: string }>('tunekit/planExperiment'),
  /** Extension → runtime: what hardware was detected (fresh detection). */
  detectGpus: request<Record<string, never>, { text: string; gpuCount: number }>('tunekit/detectGpus'),
  /** Extension → runtime: everything the views need now (sent on attach and reattach). */
  snapshot: request<Record<string, never>, StateSnapshot>('tunekit/snapshot'),
  /** Extension → runtime: load experiments found under a folder (finished ones are browsable). */
  scanResults: request<{ folder: string }, { found: number }>('tunekit/scanResults'),
  /** Extension → runtime: a trial's full metric history, for charts. */
  trialHistory: request<{ experimentPath: string; trialId: string }, { points: MetricPoint[] }>('tunekit/trialHistory'),
  /** Extension → runtime: the runtime's own log file path. */
  runtimeInfo: request<Record<string, never>, { pid: number; logFile: string; socketPath: string; version: string }>('tunekit/runtimeInfo'),
} as const;

// ---------------------------------------------------------------------------------------
// Notifications: runtime → extension.

export interface StateSnapshot {
  experiments: ExperimentSummary[];
  trials: TrialSummary[];
  resources: ResourceSnapshot;
}

/** What changed since the last delta; batched, at most a few per second however fast results arrive. */
export interface StateDelta {
  experiments: ExperimentSummary[];
  trials: TrialSummary[];
  resources?: ResourceSnapshot;
  /** New metric points per trial, keyed by `trialKey(experimentPath, trialId)` (protocol/trial.ts). */
  points?: Record<string, MetricPoint[]>;
}

/** Runtime → extension: one sentence for the user, the params of `RuntimeNotifications.userMessage`. */
export interface UserMessage {
  severity: 'info' | 'warning' | 'error';
  message: string;
  experimentPath?: string;
}

export const RuntimeNotifications = {
  /** Runtime → extension: batched state changes (the store applies them in order). */
  stateDelta: notification<StateDelta>('tunekit/stateDelta'),
  /** Runtime → extension: a message for the user (one sentence), e.g. an experiment failed. */
  userMessage: notification<UserMessage>('tunekit/userMessage'),
} as const;

/** Batching interval of `stateDelta`, in ms. */
export const STATE_DELTA_INTERVAL_MS = 250;
