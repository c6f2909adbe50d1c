import type { TrialLaunch } from '../../protocol/driver';
import { SrunWorkerGroup } from '../backends/slurm/srun_worker_group';
import { WorkerGroup, type WorkerLine } from './worker_group';

/** What the driver needs of a running worker group, wherever its processes are. */
export type RunningGroup = Pick<WorkerGroup, 'done' | 'pids' | 'stop' | 'fail' | 'liveRanks' | 'killNow'>;

/** Local processes, or one srun step when the driver runs inside a Slurm job. */
export function startWorkerGroup(
  launch: TrialLaunch,
  masterPort: number,
  onLine: (line: WorkerLine) => void,
  onRankExit: (rank: number, failed: boolean) => void,
): RunningGroup {
  if (launch.srun) return new SrunWorkerGroup(launch, launch.srun, masterPort, onLine, onRankExit);
  return new WorkerGroup(launch, masterPort, onLine, onRankExit);
}
