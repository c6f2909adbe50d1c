import { hostname } from 'node:os';
import type { TrialRecord } from './trial_record';

// Once per process: os.hostname() is a syscall, and rows are built tens of thousands of times a second.
const HOSTNAME = hostname();

/** Ray's auto-filled result keys around the metrics a worker reported. */
export function buildResultRow(
  trial: TrialRecord,
  metrics: Record<string, unknown>,
  now: number,
  driverPid: number,
): Record<string, unknown> {
  const since = trial.lastReportAt ?? trial.startedAt ?? now;
  const timeThisIter = Math.max(0, now - since);
  return {
    ...metrics,
    training_iteration: trial.iteration + 1,
    trial_id: trial.id,
    timestamp: Math.floor(now),
    date: new Date(now * 1000).toISOString().slice(0, 19),
    time_this_iter_s: timeThisIter,
    time_total_s: trial.timeTotalS + timeThisIter,
    pid: driverPid,
    hostname: HOSTNAME,
    node_ip: '127.0.0.1',
    done: false,
    iterations_since_restore: trial.iterationsSinceRestore + 1,
    restore_count: trial.trainFailures + trial.tuneFailures,
    ...(trial.restoreContext ? { restored: trial.restoreContext } : {}),
    config: trial.config,
    checkpoint_dir_name: null as string | null,
  };
}

/** Ray's dict stopper: stop once any `result[key] >= threshold`. */
export function stopCriterionMet(row: Record<string, unknown>, stop: Record<string, number>): string | undefined {
  for (const [key, threshold] of Object.entries(stop)) {
    const value = row[key];
    if (typeof value === 'number' && value >= threshold) return `stop criterion ${key} >= ${threshold} reached`;
  }
  return undefined;
}
