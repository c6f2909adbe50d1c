/**
 * Fills the defaults of a spec that passed validation and resolves its paths, turning
 * the YAML's shape into protocol/spec.ts's ExperimentSpec.
 */
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type {
  AdmissionMode,
  CheckpointConfig,
  ExperimentSpec,
  ResourceAmounts,
  RunConfig,
  ScalingConfig,
  SchedulerSpec,
  SearchAlgSpec,
  SlurmBackend,
  TrainerSpec,
  TuneConfig,
} from '../../protocol/spec';
import { DEFAULT_STORAGE_PATH, experimentNameOf, splitCommandLine } from '../../protocol/spec_rules';
import { userDefaults, type UserDefaults } from './user_defaults';

/** The spec as written: every key optional but trainer.command, values already schema-checked. */
export interface RawSpec {
  trainer: RawTrainer;
  param_space?: Record<string, unknown>;
  tune_config?: Partial<Omit<TuneConfig, 'scheduler' | 'search_alg'>> & {
    scheduler?: string | SchedulerSpec;
    search_alg?: string | SearchAlgSpec;
  };
  run_config?: Partial<Omit<RunConfig, 'failure_config' | 'checkpoint_config'>> & {
    failure_config?: Partial<RunConfig['failure_config']>;
    checkpoint_config?: Partial<CheckpointConfig>;
  };
  resources?: { CPU?: number; GPU?: number };
  backend?: Partial<Omit<SlurmBackend, 'type'>> & { type: 'local' | 'slurm' };
}

interface RawTrainer {
  command: string | (string | number)[];
  working_dir?: string;
  env?: Record<string, string | number | boolean>;
  train_loop_config?: Record<string, unknown>;
  scaling_config?: RawScalingConfig;
  warm_start?: boolean | { enabled?: boolean; imports?: string[] };
  failure_config?: { max_failures?: number; startup_timeout_s?: number; report_timeout_s?: number };
}

export interface RawScalingConfig {
  num_workers?: number;
  use_gpu?: boolean;
  resources_per_worker?: Partial<ResourceAmounts>;
  trainer_resources?: Partial<ResourceAmounts>;
}

/** `file` must be absolute; relative paths in the spec are taken from its directory. */
export function resolveSpec(raw: RawSpec, file: string, user: UserDefaults = userDefaults()): ExperimentSpec {
  const dir = dirname(file);
  const spec: ExperimentSpec = {
    file,
    trainer: trainerWithDefaults(raw.trainer, dir),
    param_space: raw.param_space ?? {},
    tune_config: tuneConfigWithDefaults(raw.tune_config ?? {}, user),
    run_config: runConfigWithDefaults(raw.run_config ?? {}, file, user),
  };
  const resources = raw.resources ?? user.resources;
  if (resources) spec.resources = { ...resources };
  spec.backend = raw.backend?.type === 'slurm' ? slurmBackendWithDefaults(raw.backend, dir) : { type: 'local' };
  return spec;
}

function slurmBackendWithDefaults(raw: NonNullable<RawSpec['backend']>, dir: string): SlurmBackend {
  const backend: SlurmBackend = {
    type: 'slurm',
    nodes: raw.nodes ?? 1,
    setup: [...(raw.setup ?? [])],
    sbatch: [...(raw.sbatch ?? [])],
    signal_grace_s: raw.signal_grace_s ?? 120,
    poll_interval_s: raw.poll_interval_s ?? 2,
  };
  for (const key of ['partition', 'account', 'qos', 'time', 'constraint'] as const) {
    if (raw[key] !== undefined) backend[key] = raw[key];
  }
  if (raw.node !== undefined) backend.node = resolvePath(dir, raw.node);
  return backend;
}

/** Exported so a trial's sampled scaling_config can be resolved with the same rules. */
export function scalingConfigWithDefaults(raw: RawScalingConfig): ScalingConfig {
  const useGpu = raw.use_gpu ?? false;
  return {
    num_workers: raw.num_workers ?? 1,
    use_gpu: useGpu,
    resources_per_worker: {
      CPU: raw.resources_per_worker?.CPU ?? 1,
      GPU: raw.resources_per_worker?.GPU ?? (useGpu ? 1 : 0),
    },
    trainer_resources: {
      CPU: raw.trainer_resources?.CPU ?? 1,
      GPU: raw.trainer_resources?.GPU ?? 0,
    },
  };
}

function trainerWithDefaults(raw: RawTrainer, dir: string): TrainerSpec {
  const split = typeof raw.command === 'string' ? splitCommandLine(raw.command) : { argv: raw.command.map(String) };
  if ('error' in split) throw new Error(`trainer.command ${split.error}`);
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw.env ?? {})) env[name] = String(value);
  return {
    command: split.argv,
    working_dir: resolvePath(dir, raw.working_dir ?? '.'),
    env,
    train_loop_config: raw.train_loop_config ?? {},
    scaling_config: scalingConfigWithDefaults(raw.scaling_config ?? {}),
    failure_config: {
      max_failures: raw.failure_config?.max_failures ?? 0,
      startup_timeout_s: raw.failure_config?.startup_timeout_s ?? 120,
      report_timeout_s: raw.failure_config?.report_timeout_s ?? 0,
    },
    warm_start: warmStartWithDefaults(raw.warm_start),
  };
}

function warmStartWithDefaults(raw: RawTrainer['warm_start']): TrainerSpec['warm_start'] {
  if (typeof raw === 'boolean') return { enabled: raw, imports: null };
  return { enabled: raw?.enabled ?? true, imports: raw?.imports ?? null };
}

function tuneConfigWithDefaults(raw: NonNullable<RawSpec['tune_config']>, user: UserDefaults): TuneConfig {
  const config: TuneConfig = {
    num_samples: raw.num_samples ?? 1,
    max_concurrent_trials: raw.max_concurrent_trials ?? 0,
    seed: raw.seed ?? 0,
    scheduler: typed(raw.scheduler ?? 'fifo'),
    search_alg: typed(raw.search_alg ?? 'random'),
    admission: (raw.admission ?? user.admission ?? 'coordinated') as AdmissionMode,
  };
  if (raw.metric !== undefined) config.metric = raw.metric;
  if (raw.mode !== undefined) config.mode = raw.mode;
  if (raw.time_budget_s !== undefined) config.time_budget_s = raw.time_budget_s;
  return config;
}

function typed<T extends { type: string }>(value: string | T): T | { type: string } {
  return typeof value === 'string' ? { type: value } : { ...value };
}

function runConfigWithDefaults(raw: NonNullable<RawSpec['run_config']>, file: string, user: UserDefaults): RunConfig {
  const checkpoint: CheckpointConfig = { checkpoint_score_order: raw.checkpoint_config?.checkpoint_score_order ?? 'max' };
  if (raw.checkpoint_config?.num_to_keep !== undefined) checkpoint.num_to_keep = raw.checkpoint_config.num_to_keep;
  const attribute = raw.checkpoint_config?.checkpoint_score_attribute;
  if (attribute !== undefined) checkpoint.checkpoint_score_attribute = attribute;
  return {
    name: raw.name ?? experimentNameOf(file),
    storage_path: resolvePath(dirname(file), raw.storage_path ?? user.storagePath ?? DEFAULT_STORAGE_PATH),
    stop: { ...(raw.stop ?? {}) },
    failure_config: {
      max_failures: raw.failure_config?.max_failures ?? 0,
      fail_fast: raw.failure_config?.fail_fast ?? false,
    },
    checkpoint_config: checkpoint,
  };
}

function resolvePath(dir: string, path: string): string {
  if (path === '~') return homedir();
  if (path.startsWith('~/')) return join(homedir(), path.slice(2));
  return resolve(dir, path);
}
