import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DashboardExperiment, TimelineEvent } from '../../../protocol/dashboard_messages';
import type { ExperimentSummary } from '../../../protocol/runtime_api';
import { headerStats } from '../../../webview/model/header_stats';
import { buildTimeline } from '../../../webview/model/timeline_lanes';
import { grant } from './trials';

const experiment = (patch: Partial<ExperimentSummary>): DashboardExperiment => ({
  summary: { path: '/exp', name: 'exp', state: 'running', live: true, counts: { PENDING: 0, RUNNING: 1, PAUSED: 0, TERMINATED: 0, ERROR: 0 }, startedAt: 100, ...patch },
  paramSpace: {},
  capacity: { CPU: 4, gpus: [0] },
  admission: 'coordinated',
});

describe('the dashboard header', () => {
  // The timeline a page built while the trial still ran: its slots are open.
  const events: TimelineEvent[] = [
    { type: 'experiment_started', ts: 100 } as TimelineEvent,
    { type: 'trial_started', ts: 101, trial_id: 'a', grant: grant(2, [[0, 1]], 1) } as TimelineEvent,
  ];
  const whileRunning = buildTimeline(events, { CPU: 4, gpus: [0] }, 110);

  it('shows the slots a running experiment holds', () => {
    assert.deepEqual(headerStats(experiment({}), whileRunning, 110, undefined).use, { CPU: 2, GPU: 1 });
  });

  it('an experiment that ended holds no CPU or GPU, even before its timeline is rebuilt', () => {
    const ended = experiment({ state: 'finished', live: false, endedAt: 111, counts: { PENDING: 0, RUNNING: 0, PAUSED: 0, TERMINATED: 1, ERROR: 0 } });
    assert.deepEqual(headerStats(ended, whileRunning, 112, undefined).use, { CPU: 0, GPU: 0 });
  });
});
