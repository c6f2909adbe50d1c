import type { TrialLaunch } from '../../protocol/driver';
import { SrunWorkerGroup } from '../backends/slurm/srun_worker_group';
import { WorkerGroup, type WorkerLine, type WorkerStartOptions } from './worker_group';

/** What the driver needs of a running worker group, wherever its processes are. */
export type RunningGroup = Pick<WorkerGroup, 'done' | 'pids' | 'stop' | 'fail' | 'liveRanks' | 'killNow'> & {
  /** Resolves once every worker has a pid; a group without it starts them at once. */
  started?: Promise<void>;
};

/**
 * Local processes (forked from a warm parent where that is safe), or one srun step when the
 * driver runs inside a Slurm job; the srun step always starts cold.
 */
export function startWorkerGroup(
  launch: TrialLaunch,
  masterPort: number,
  onLine: (line: WorkerLine) => void,
  onRankExit: (rank: number, failed: boolean) => void,
  options: WorkerStartOptions = {},
): RunningGroup {
  if (launch.srun) return new SrunWorkerGroup(launch, launch.srun, masterPort, onLine, onRankExit);
  return new WorkerGroup(launch, masterPort, onLine, onRankExit, options);
}
