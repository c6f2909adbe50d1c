import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Axis } from '../../../webview/model/param_axes';
import { paramImportance } from '../../../webview/model/param_importance';
import { trial } from './trials';

const axes: Axis[] = [
  { key: 'lr', label: 'lr', scale: { kind: 'log', min: 1e-4, max: 1e-1 } },
  { key: 'opt', label: 'opt', scale: { kind: 'categorical', values: ['adam', 'sgd'] } },
  { key: 'seed', label: 'seed', scale: { kind: 'linear', min: 0, max: 100 } },
];

/** A full factorial of lr × opt × seed, with the loss given by `f`. */
function grid(f: (lr: number, opt: string, seed: number) => number) {
  const out = [];
  let i = 0;
  for (const lr of [1e-4, 1e-3, 1e-2, 1e-1])
    for (const opt of ['adam', 'sgd'])
      for (const seed of [1, 2, 3, 4]) {
        out.push(trial(`t${i}`, { index: i++, metrics: { loss: f(lr, opt, seed) }, params: [{ path: 'lr', value: lr }, { path: 'opt', value: opt }, { path: 'seed', value: seed }] }));
      }
  return out;
}

const byKey = (rows: ReturnType<typeof paramImportance>) => Object.fromEntries(rows.map((r) => [r.key, Number(r.importance.toFixed(6))]));

describe('hyperparameter importance', () => {
  it('a metric that depends on lr alone gives lr all the importance and the others none', () => {
    const rows = paramImportance(axes, grid((lr) => Math.log10(lr) ** 2), 'loss');
    assert.deepEqual(byKey(rows), { lr: 1, opt: 0, seed: 0 });
    assert.equal(rows[0].key, 'lr');
  });

  it('an additive metric splits importance by the variance each parameter contributes', () => {
    // lr adds 0, 1, 2, 3 (variance 1.25); opt adds 0 or 1 (variance 0.25); seed nothing.
    const rows = paramImportance(axes, grid((lr, opt) => Math.log10(lr) + 4 + (opt === 'sgd' ? 1 : 0)), 'loss');
    assert.deepEqual(byKey(rows), { lr: Number((1.25 / 1.5).toFixed(6)), opt: Number((0.25 / 1.5).toFixed(6)), seed: 0 });
    assert.ok(Math.abs(rows.find((r) => r.key === 'lr')!.explained - 1.25 / 1.5) < 1e-9, 'η² of lr alone');
  });

  it('says nothing with fewer than four trials that reported the metric, or a metric that never varies', () => {
    assert.deepEqual(paramImportance(axes, grid(() => 1).slice(0, 3), 'loss'), []);
    assert.deepEqual(byKey(paramImportance(axes, grid(() => 1), 'loss')), { lr: 0, opt: 0, seed: 0 });
  });
});
