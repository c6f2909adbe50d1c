import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { planCurves, SeriesCache } from '../../../webview/model/curve_plan';
import type { PointColumns } from '../../../protocol/dashboard_messages';
import type { TrialSummary } from '../../../protocol/runtime_api';
import { columns, trial } from './trials';

function experiment(n: number, length = 200): { trials: TrialSummary[]; pts: Map<string, PointColumns> } {
  const trials = Array.from({ length: n }, (_, i) => trial(`t${i}`, { index: i, status: i < 16 ? 'RUNNING' : 'TERMINATED' }));
  const pts = new Map(trials.map((t) => [t.id, columns(Array.from({ length }, (_, k) => k + 1))]));
  return { trials, pts };
}

describe('curve plan', () => {
  it('on a log y axis, values at or below zero are left out of the curve and its bounds', () => {
    const pts = new Map([['t0', columns([1, 2, 3], [0, 0.5, 0.25])]]);
    const plan = planCurves({ trials: [trial('t0')], points: pts, metric: 'loss', axis: 'training_iteration', selection: new Set(), bestId: 't0', yLog: true }, new SeriesCache());
    assert.deepEqual(plan.foreground[0].points, [{ x: 2, y: 0.5 }, { x: 3, y: 0.25 }]);
    assert.equal(plan.bounds.yMin, 0.25);
  });

  it('with smoothing, curves are the EMA and each drawn trial keeps its raw line; without, no raw lines', () => {
    const pts = new Map([['t0', columns([1, 2, 3], [1, 0, 0])], ['t1', columns([1, 2], [2, 2])]]);
    const input = { trials: [trial('t0'), trial('t1')], points: pts, metric: 'loss', axis: 'training_iteration' as const, selection: new Set<string>(), bestId: 't0' };
    const smoothed = planCurves({ ...input, smoothing: 0.5 }, new SeriesCache());
    assert.deepEqual(smoothed.foreground[0].points.map((p) => Number(p.y.toFixed(4))), [1, 0.3333, 0.1429]);
    assert.deepEqual(smoothed.raw.map((r) => [r.trialId, r.points.map((p) => p.y)]), [['t0', [1, 0, 0]], ['t1', [2, 2]]]);
    assert.equal(smoothed.bounds.yMin, 0, 'the bounds hold the raw values too');
    assert.deepEqual(planCurves(input, new SeriesCache()).raw, []);
  });

  it('the x axis can be wall time or another reported metric; rows without that metric are left out', () => {
    const c = columns([1, 2, 3], [0.9, 0.5, 0.4], 5000);
    c.values.acc = [0.1, null, 0.7];
    const input = { trials: [trial('t0')], points: new Map([['t0', c]]), metric: 'loss', selection: new Set<string>(), bestId: 't0' };
    assert.deepEqual(planCurves({ ...input, axis: 'wall_time' }, new SeriesCache()).foreground[0].points.map((p) => p.x), [5000, 5001, 5002]);
    assert.deepEqual(planCurves({ ...input, axis: 'metric:acc' }, new SeriesCache()).foreground[0].points, [{ x: 0.1, y: 0.9 }, { x: 0.7, y: 0.4 }]);
  });

  it('only emphasised trials are datasets; running trials are live, the rest background', () => {
    const { trials, pts } = experiment(20);
    const plan = planCurves({ trials, points: pts, metric: 'loss', axis: 'training_iteration', selection: new Set(['t18']), bestId: 't19' }, new SeriesCache());
    assert.deepEqual(plan.foreground.map((l) => [l.trialId, l.role]), [['t18', 'selected'], ['t19', 'best']]);
    assert.equal(plan.live.length, 16);
    assert.deepEqual(plan.background.map((l) => l.trialId), ['t16', 't17']);
  });

  it('with 1,000 trials the background is downsampled to a bounded number of points', () => {
    const { trials, pts } = experiment(1000);
    const plan = planCurves(
      { trials, points: pts, metric: 'loss', axis: 'training_iteration', selection: new Set(['t500', 't501']), bestId: 't900', hoverId: 't42' },
      new SeriesCache(),
    );
    assert.equal(plan.foreground.length, 2 + 1 + 1);
    assert.equal(plan.live.length, 16);
    assert.equal(plan.foreground.find((l) => l.trialId === 't900')?.role, 'best');
    assert.equal(plan.foreground.find((l) => l.trialId === 't42')?.role, 'hovered');
    assert.equal(plan.background.length, 980);
    const drawn = plan.background.reduce((n, l) => n + l.points.length, 0);
    assert.ok(drawn <= 40_000, `background downsampled to ${drawn} points`);
    assert.ok(plan.background.every((l) => l.points[l.points.length - 1].x === 200), 'every curve still reaches its last iteration');
  });

  it('an unchanged trial keeps the same downsampled array, so the background layer is not repainted', () => {
    const { trials, pts } = experiment(100);
    const cache = new SeriesCache();
    const input = { trials, points: pts, metric: 'loss', axis: 'training_iteration' as const, selection: new Set<string>() };
    const first = planCurves(input, cache);
    const t0 = pts.get('t0')!;
    t0.iteration.push(201);
    t0.timeTotalS.push(201);
    t0.ts.push(5000);
    t0.values.loss.push(0.001);
    const second = planCurves(input, cache);
    assert.equal(second.background[10].points, first.background[10].points);
    assert.notEqual(second.live[0].points, first.live[0].points, 'the trial that reported is recomputed');
    assert.equal(second.live[0].points.at(-1)!.x, 201);
  });

  it('superseded runs are planned apart from the current curve and widen the bounds', () => {
    const trials = [trial('t1')];
    const pts = new Map([['t1', columns([1, 2, 3, 4, 3, 4], [1, 2, 3, 9, 3, 4])]]);
    const plan = planCurves({ trials, points: pts, metric: 'loss', axis: 'training_iteration', selection: new Set() }, new SeriesCache());
    assert.deepEqual(plan.background[0].points.map((p) => p.y), [1, 2, 3, 4]);
    assert.deepEqual(plan.superseded, [{ trialId: 't1', points: [{ x: 3, y: 3 }, { x: 4, y: 9 }] }]);
    assert.equal(plan.bounds.yMax, 9);
  });

  it('switching the metric builds new series without losing the old ones', () => {
    const trials = [trial('t1')];
    const rows = columns([1, 2]);
    rows.values.acc = [0, 0.5];
    const pts = new Map([['t1', rows]]);
    const cache = new SeriesCache();
    const loss = planCurves({ trials, points: pts, metric: 'loss', axis: 'training_iteration', selection: new Set() }, cache);
    const acc = planCurves({ trials, points: pts, metric: 'acc', axis: 'training_iteration', selection: new Set() }, cache);
    assert.deepEqual(acc.background[0].points.map((p) => p.y), [0, 0.5]);
    assert.deepEqual(loss.background[0].points.map((p) => p.y), [1, 0.5]);
  });
});
