/**
 * The experiment spec (`*.tune.yaml`) as the runtime sees it after validation and
 * defaults. Names follow Ray Tune / Ray Train so a Ray user reads it at sight.
 * The raw YAML shape is described by runtime/spec/schema.json; this is the resolved shape.
 */

/** Logical resources of one bundle, Ray's spelling. GPU may be fractional (< 1) or whole. */
export interface ResourceAmounts {
  CPU: number;
  GPU: number;
}

/** How trials are admitted to the resource ledger. */
export type AdmissionMode =
  /** A trial starts only when its trainable and all its workers fit at once (default). */
  | 'coordinated'
  /** Ray's behaviour: admit by trainable resources, then the Trainer waits for its workers. */
  | 'ray';

export interface ScalingConfig {
  num_workers: number;
  use_gpu: boolean;
  /** Per worker. When use_gpu is true and GPU is unset, it defaults to 1 (as in Ray). */
  resources_per_worker: ResourceAmounts;
  /** The trainable's (Trainer driver's) own resources; Ray's default is 1 CPU. */
  trainer_resources: ResourceAmounts;
}

export interface TrainFailureConfig {
  /** Worker-group restarts inside one driver; -1 = unlimited, 0 = never. */
  max_failures: number;
  /** A worker not connected this long after it started is hung. */
  startup_timeout_s: number;
  /** A rank silent this long is hung; 0 = no check. */
  report_timeout_s: number;
}

export interface TrainerSpec {
  /** argv of each worker process; `python`/`python3` is resolved to an absolute path once. */
  command: string[];
  /** Absolute working directory of the workers. */
  working_dir: string;
  env: Record<string, string>;
  /** Constant training hyperparameters; param_space.train_loop_config is merged over them. */
  train_loop_config: Record<string, unknown>;
  scaling_config: ScalingConfig;
  failure_config: TrainFailureConfig;
  warm_start: WarmStartSpec;
}

/**
 * Python workers forked from a warm parent that already imported the script's modules, so a
 * worker skips interpreter start-up and `import torch` (README, "Warm start"). Local backend only.
 */
export interface WarmStartSpec {
  enabled: boolean;
  /** Modules the warm parent imports; null: the script's own top-level imports. */
  imports: string[] | null;
}

export type SchedulerSpec =
  | { type: 'fifo' }
  | { type: string; [option: string]: unknown };

export type SearchAlgSpec =
  | { type: 'random' }
  | { type: string; [option: string]: unknown };

export interface TuneConfig {
  num_samples: number;
  /** 0 means no cap beyond the resources. */
  max_concurrent_trials: number;
  metric?: string;
  mode?: 'min' | 'max';
  seed: number;
  time_budget_s?: number;
  scheduler: SchedulerSpec;
  search_alg: SearchAlgSpec;
  admission: AdmissionMode;
}

export interface TuneFailureConfig {
  max_failures: number;
  fail_fast: boolean;
}

export interface CheckpointConfig {
  /** Unset keeps every checkpoint. */
  num_to_keep?: number;
  checkpoint_score_attribute?: string;
  checkpoint_score_order: 'min' | 'max';
}

export interface RunConfig {
  name: string;
  /** Absolute. */
  storage_path: string;
  /** Metric thresholds (`>=` for each key, as Ray's dict stopper), e.g. {training_iteration: 10}. */
  stop: Record<string, number>;
  failure_config: TuneFailureConfig;
  checkpoint_config: CheckpointConfig;
}

/** A param_space node: a constant, a nested mapping, or a search-space primitive written as
 * a one-key mapping such as `{loguniform: [1e-4, 1e-1]}`. Interpreted by runtime/search. */
export type ParamSpace = Record<string, unknown>;

/** Trials as jobs on a Slurm cluster: one job per trial, holding its whole gang. Keys are sbatch's. */
export interface SlurmBackend {
  type: 'slurm';
  partition?: string;
  account?: string;
  qos?: string;
  /** sbatch --time. */
  time?: string;
  constraint?: string;
  /** Nodes per trial (sbatch --nodes); above 1, reports travel over TCP inside the allocation. */
  nodes: number;
  /** Shell lines run in the job before the driver (module load …, source venv). */
  setup: string[];
  /** Extra sbatch options, verbatim. */
  sbatch: string[];
  /** Node.js binary for the in-job driver; unset: the runtime's own. */
  node?: string;
  /** --signal=B:USR1@N: the trial stops and is resubmitted from its checkpoint. */
  signal_grace_s: number;
  poll_interval_s: number;
}

export type BackendSpec = { type: 'local' } | SlurmBackend;

export interface ExperimentSpec {
  /** Absolute path of the spec file it came from. */
  file: string;
  trainer: TrainerSpec;
  /** Keys are `train_loop_config` and/or `scaling_config`, as for a Ray Trainer in a Tuner. */
  param_space: ParamSpace;
  tune_config: TuneConfig;
  run_config: RunConfig;
  /** Overrides detected hardware, to simulate a bigger machine. */
  resources?: { CPU?: number; GPU?: number };
  /** Where trials run; absent means local. */
  backend?: BackendSpec;
}
