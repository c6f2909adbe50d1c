/** Builders for the runtime's summaries, with only what a test cares about spelled out. */
import type { ExperimentSummary, ResourceSnapshot, TrialSummary } from '../../../protocol/runtime_api';

export function experiment(over: Partial<ExperimentSummary> = {}): ExperimentSummary {
  return {
    path: '/ws/tunekit_results/quickstart',
    name: 'quickstart',
    state: 'running',
    live: true,
    counts: { PENDING: 0, RUNNING: 0, PAUSED: 0, TERMINATED: 0, ERROR: 0 },
    startedAt: 1000,
    ...over,
  };
}

export function trial(over: Partial<TrialSummary> = {}): TrialSummary {
  const id = over.id ?? '00000';
  return {
    experimentPath: '/ws/tunekit_results/quickstart',
    id,
    index: Number(id),
    name: `TorchTrainer_${id}`,
    dir: `/ws/tunekit_results/quickstart/TorchTrainer_${id}`,
    status: 'RUNNING',
    stoppedEarly: false,
    params: [],
    config: {},
    iteration: 0,
    metrics: {},
    checkpoints: [],
    restores: [],
    decisions: [],
    workerLogs: [],
    pids: [],
    failures: 0,
    ...over,
  };
}

export function resources(over: Partial<ResourceSnapshot> = {}): ResourceSnapshot {
  return { cpu: { total: 2, used: 0, holders: [] }, gpus: [], waiting: [], ...over };
}
