import type { TrialLaunch } from '../../protocol/driver';
import type { BundleGrant } from '../../protocol/trial';

/** OMP threads follow the worker's CPU share, at least 1 (Debian torch defaults to 1 thread). */
export function ompThreads(bundle: BundleGrant): number {
  return Math.max(1, Math.floor(bundle.CPU));
}

/** Device indices a worker may see; a fractional share still exposes its device. */
export function visibleDevices(bundle: BundleGrant): string {
  return bundle.gpus.map((g) => String(g.index)).join(',');
}

/** The full environment of worker `rank`: the standard distributed variables plus TUNEKIT_*. */
export function workerEnv(
  launch: TrialLaunch,
  rank: number,
  masterPort: number,
  base: NodeJS.ProcessEnv,
): NodeJS.ProcessEnv {
  const workers = launch.grant.workers;
  const bundle = workers[rank];
  return {
    ...base,
    ...launch.env,
    RANK: String(rank),
    LOCAL_RANK: String(rank),
    WORLD_SIZE: String(workers.length),
    LOCAL_WORLD_SIZE: String(workers.length),
    GROUP_RANK: '0',
    NODE_RANK: '0',
    MASTER_ADDR: '127.0.0.1',
    MASTER_PORT: String(masterPort),
    // nvidia-smi numbers devices in PCI bus order; CUDA's default order can differ.
    CUDA_DEVICE_ORDER: 'PCI_BUS_ID',
    CUDA_VISIBLE_DEVICES: visibleDevices(bundle),
    OMP_NUM_THREADS: String(ompThreads(bundle)),
    PYTHONUNBUFFERED: '1',
    TUNEKIT_TRIAL_ID: launch.trialId,
    TUNEKIT_TRIAL_NAME: launch.trialName,
    TUNEKIT_EXPERIMENT_PATH: launch.experimentPath,
    TUNEKIT_TRIAL_DIR: launch.trialDir,
    TUNEKIT_CONFIG: JSON.stringify(launch.config),
    TUNEKIT_CHECKPOINT: launch.checkpoint ?? '',
    TUNEKIT_REPORT_SOCKET: launch.reportSocket,
    TUNEKIT_REPORT_TOKEN: launch.reportToken,
  };
}
