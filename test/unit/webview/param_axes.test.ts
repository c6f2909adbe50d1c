import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parallelPlan, scatterPoints } from '../../../webview/model/hparam_plan';
import { axisTicks, normalize, paramAxes, searchedLeaves } from '../../../webview/model/param_axes';
import { formatNumber } from '../../../protocol/format';
import { trial } from './trials';

const space = {
  train_loop_config: {
    lr: { loguniform: [1e-4, 1e-1] },
    layers: { randint: [1, 9] },
    optimizer: { choice: ['adam', 'sgd'] },
    batch_size: { grid_search: [16, 128, 32] },
    epochs: 10,
  },
};
const trials = [
  trial('t0', { params: [{ path: 'train_loop_config/lr', value: 1e-4 }, { path: 'train_loop_config/layers', value: 2 }, { path: 'train_loop_config/optimizer', value: 'sgd' }, { path: 'train_loop_config/batch_size', value: 128 }], metrics: { acc: 0.5 } }),
  trial('t1', { params: [{ path: 'train_loop_config/lr', value: 1e-2 }, { path: 'train_loop_config/layers', value: 8 }, { path: 'train_loop_config/optimizer', value: 'adam' }, { path: 'train_loop_config/batch_size', value: 16 }], metrics: { acc: 0.9 } }),
  trial('t2', { params: [{ path: 'train_loop_config/lr', value: 1e-3 }, { path: 'train_loop_config/layers', value: 5 }, { path: 'train_loop_config/optimizer', value: 'adam' }, { path: 'train_loop_config/batch_size', value: 32 }], metrics: { acc: 0.7 } }),
];

describe('hyperparameter axes', () => {
  it('finds the searched leaves of a nested param_space and skips constants', () => {
    assert.deepEqual([...searchedLeaves(space)], [
      ['train_loop_config/lr', 'loguniform'],
      ['train_loop_config/layers', 'randint'],
      ['train_loop_config/optimizer', 'choice'],
      ['train_loop_config/batch_size', 'grid_search'],
    ]);
  });

  it('a loguniform param gets a log axis: each decade takes the same share of it', () => {
    const [lr] = paramAxes(space, trials);
    assert.equal(lr.scale.kind, 'log');
    assert.equal(normalize(lr.scale, 1e-4), 0);
    assert.equal(normalize(lr.scale, 1e-2), 1);
    assert.ok(Math.abs(normalize(lr.scale, 1e-3)! - 0.5) < 1e-12);
    assert.equal(normalize(lr.scale, 0), undefined, 'zero has no place on a log axis');
  });

  it('a uniform-like param is linear between the values trials took', () => {
    const layers = paramAxes(space, trials)[1];
    assert.deepEqual(layers.scale, { kind: 'linear', min: 2, max: 8 });
    assert.equal(normalize(layers.scale, 5), 0.5);
  });

  it('choice and grid_search are categories, numbers in numeric order', () => {
    const [, , optimizer, batch] = paramAxes(space, trials);
    assert.deepEqual(optimizer.scale, { kind: 'categorical', values: ['adam', 'sgd'] });
    assert.deepEqual(batch.scale, { kind: 'categorical', values: ['16', '32', '128'] });
    assert.equal(normalize(batch.scale, 32), 0.5);
    assert.equal(optimizer.label, 'optimizer');
  });

  it('log axis ticks fall on powers of ten between its ends', () => {
    const ticks = axisTicks({ kind: 'log', min: 1e-4, max: 1e-1 }, formatNumber);
    assert.deepEqual(ticks.map((t) => t.label), ['0.0001', '0.001', '0.01', '0.1']);
    assert.deepEqual(ticks.map((t) => Math.round(t.at * 3)), [0, 1, 2, 3]);
  });

  it('parallel coordinates place each trial on every axis, the metric last', () => {
    const plan = parallelPlan(space, trials, 'acc');
    assert.deepEqual(plan.axes.map((a) => a.label), ['lr', 'layers', 'optimizer', 'batch_size', 'acc']);
    const t2 = plan.lines.find((l) => l.trialId === 't2')!;
    assert.deepEqual(t2.at.map((v) => Math.round(v! * 100) / 100), [0.5, 0.5, 0, 0.5, 0.5]);
  });

  it('a trial without the metric has no place on the metric axis', () => {
    const plan = parallelPlan(space, [...trials, trial('t3', { params: trials[0].params })], 'acc');
    assert.equal(plan.lines[3].at.at(-1), undefined);
  });

  it('the scatter puts categories at their index and skips trials without the metric', () => {
    const [, , optimizer] = paramAxes(space, trials);
    const pts = scatterPoints(optimizer, [...trials, trial('t9')], 'acc');
    assert.deepEqual(pts.map((p) => [p.trialId, p.x, p.y]), [
      ['t0', 1, 0.5],
      ['t1', 0, 0.9],
      ['t2', 0, 0.7],
    ]);
  });
});
