import type { ExperimentSpec, ResourceAmounts, ScalingConfig } from '../../protocol/spec';
import type { TrialGrant, TrialStatus } from '../../protocol/trial';
import type { GroupExit, TrialJob } from '../../protocol/driver';

export interface SampledLeaf {
  path: string;
  value: unknown;
}

export interface CheckpointEntry {
  name: string;
  iteration: number;
  metrics: Record<string, unknown>;
}

/**
 * What the Tuner knows about one trial; the runtime's truth, mirrored on disk. The readonly
 * fields are the trial's lifecycle: only trial_lifecycle.ts writes them.
 */
export interface TrialRecord {
  id: string;
  index: number;
  name: string;
  dir: string;
  /** The sampled param_space, as written to params.json and result.json `config`. */
  config: Record<string, unknown>;
  sampled: SampledLeaf[];
  /** What the workers see through get_config(): trainer.train_loop_config merged with the sample. */
  trainLoopConfig: Record<string, unknown>;
  scaling: ScalingConfig;
  request: { trainable: ResourceAmounts; workers: ResourceAmounts[] };
  readonly status: TrialStatus;
  /** Why a trial is not executing yet (ledger's words), or why it stopped. */
  readonly waitingReason?: string;
  readonly endReason?: string;
  readonly grant?: TrialGrant;
  readonly iteration: number;
  readonly lastResult?: Record<string, unknown>;
  readonly startedAt?: number;
  readonly lastReportAt?: number;
  readonly timeTotalS: number;
  checkpoints: CheckpointEntry[];
  readonly exit?: GroupExit;
  /** Worker-group restarts inside the current driver (Ray Train's failure_config). */
  readonly trainFailures: number;
  /** Trial restarts by the Tuner (Ray Tune's failure_config). */
  readonly tuneFailures: number;
  /** The restore the next result row describes (Ray's result context after a restore). */
  readonly restoreContext?: Record<string, unknown>;
  readonly iterationsSinceRestore: number;
  /** Failures in a row with no new result between them; restarts back off on this. */
  readonly failuresWithoutProgress: number;
  /** A retried trial waits until then (epoch ms) before it may be admitted again. */
  readonly notBefore?: number;
  /** `tunekit extend`: run to this training_iteration, ignoring run_config.stop and the scheduler. */
  readonly extendTo?: number;
  /** Resumed trials (promoted, exploited) go before new ones. */
  readonly resumeFirst?: boolean;
  /** What the Tuner asked of the running group: it decides the status once the group is gone. */
  readonly pendingOutcome?: { kind: 'stop' | 'pause' | 'requeue'; reason: string; ready?: Promise<void> };
  /** The trial's current cluster job (Slurm backend), as the queue last showed it. */
  readonly job?: TrialJob;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Ray lets scaling fields come from the param space (job-level hyperparameters). */
export function mergeScaling(base: ScalingConfig, sampled: unknown): ScalingConfig {
  if (!isPlainObject(sampled)) return base;
  const perWorker = isPlainObject(sampled.resources_per_worker) ? sampled.resources_per_worker : {};
  const trainer = isPlainObject(sampled.trainer_resources) ? sampled.trainer_resources : {};
  return {
    num_workers: typeof sampled.num_workers === 'number' ? sampled.num_workers : base.num_workers,
    use_gpu: typeof sampled.use_gpu === 'boolean' ? sampled.use_gpu : base.use_gpu,
    resources_per_worker: { ...base.resources_per_worker, ...(perWorker as Partial<ResourceAmounts>) },
    trainer_resources: { ...base.trainer_resources, ...(trainer as Partial<ResourceAmounts>) },
  };
}

export function trialRequest(scaling: ScalingConfig): TrialRecord['request'] {
  const perWorker = {
    CPU: scaling.resources_per_worker.CPU,
    // use_gpu without a GPU amount means one GPU per worker, as in Ray.
    GPU: scaling.use_gpu ? scaling.resources_per_worker.GPU || 1 : 0,
  };
  return {
    trainable: { ...scaling.trainer_resources },
    workers: Array.from({ length: scaling.num_workers }, () => ({ ...perWorker })),
  };
}

/** The trial's own view of the spec: merged config, scaling and resource request. */
export function resolveTrialConfig(spec: ExperimentSpec, config: Record<string, unknown>) {
  const sampledLoop = isPlainObject(config.train_loop_config) ? config.train_loop_config : {};
  const trainLoopConfig = { ...spec.trainer.train_loop_config, ...sampledLoop };
  const scaling = mergeScaling(spec.trainer.scaling_config, config.scaling_config);
  return { trainLoopConfig, scaling, request: trialRequest(scaling) };
}
