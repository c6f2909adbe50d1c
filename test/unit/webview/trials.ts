/** Builders for the trials, points and journal events the dashboard tests feed in. */
import { toColumns } from '../../../extension/dashboard_feed';
import type { PointColumns } from '../../../protocol/dashboard_messages';
import type { MetricPoint, TrialSummary } from '../../../protocol/runtime_api';
import type { TrialGrant } from '../../../protocol/trial';
import { trial as trialSummary } from '../extension/summaries';

/** A finished trial of the experiment at /exp (the extension tests' builder, with the dashboard's defaults). */
export function trial(id: string, patch: Partial<TrialSummary> = {}): TrialSummary {
  return trialSummary({
    experimentPath: '/exp',
    id,
    index: Number(id.replace(/\D/g, '')) || 0,
    name: `Trainer_${id}`,
    dir: `/exp/Trainer_${id}`,
    status: 'TERMINATED',
    ...patch,
  });
}

/** Rows with the given iterations; `loss` is 1/iteration unless `values` says otherwise. */
export function points(iterations: number[], values?: number[], startTs = 1000): MetricPoint[] {
  return iterations.map((iteration, i) => ({
    iteration,
    timeTotalS: iteration,
    ts: startTs + i,
    values: { loss: values ? values[i] : 1 / iteration },
  }));
}

export function grant(cpu: number, gpus: Array<[number, number]> = [], workers = 0): TrialGrant {
  return {
    trainable: { CPU: cpu, gpus: [] },
    workers: Array.from({ length: workers }, (_, i) => ({ CPU: 0, gpus: gpus[i] ? [{ index: gpus[i][0], fraction: gpus[i][1] }] : [] })),
  };
}

/** The same rows as columns, as the dashboard receives and keeps them. */
export function columns(iterations: number[], values?: number[], startTs = 1000): PointColumns {
  return toColumns(points(iterations, values, startTs));
}
