import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { stringify } from 'yaml';
import { parseSpecText } from '../../../runtime/spec/load';
import { DIGITS_SPACE, TUNEKIT_METHODS, gridPerAxis, gridSpace, tunekitSpec } from '../../../scripts/bench/quality_methods';

const budget = { trials: 16, epochs: 15, reductionFactor: 3 };
const place = { workerDir: resolve(__dirname, '../../../../bench/digits'), storagePath: '/tmp/unused', seed: 1 };

test('a two-point grid sits at the quarter and three-quarter points of each range', () => {
  const grid = gridSpace({ lr: { loguniform: [1e-4, 1] }, hidden: { choice: [16, 32, 64, 128, 256] } }, 2);
  assert.deepEqual(grid.lr.grid_search, [0.001, 0.1]);
  assert.deepEqual(grid.hidden.grid_search, [32, 128]);
});

test('the grid fills the trial budget exactly, or the budget is refused', () => {
  assert.equal(gridPerAxis(16, 4), 2);
  assert.equal(gridPerAxis(81, 4), 3);
  assert.throws(() => gridPerAxis(12, 4), /full grid/);
});

test("every method's spec passes Tunekit's own validation", () => {
  for (const method of TUNEKIT_METHODS) {
    const { problems } = parseSpecText(stringify(tunekitSpec(method, budget, place)), `/tmp/${method.key}.tune.yaml`);
    assert.deepEqual(problems.filter((p) => p.severity === 'error'), [], method.key);
  }
});

test('every method gets the same trial budget, epochs and seed', () => {
  for (const method of TUNEKIT_METHODS) {
    const spec = tunekitSpec(method, budget, place) as any;
    const space = spec.param_space.train_loop_config;
    const trials = method.searchAlg === 'grid' ? Object.values(space).reduce((n: number, d: any) => n * d.grid_search.length, 1) : spec.tune_config.num_samples;
    assert.equal(trials, budget.trials, method.key);
    assert.equal(spec.trainer.train_loop_config.epochs, budget.epochs);
    assert.equal(spec.tune_config.seed, place.seed);
    assert.deepEqual(Object.keys(space), Object.keys(DIGITS_SPACE));
  }
});

test('only ASHA with promotion checkpoints, since only it resumes a paused trial', () => {
  const checkpointing = TUNEKIT_METHODS.filter((m) => (tunekitSpec(m, budget, place) as any).trainer.train_loop_config.checkpoint);
  assert.deepEqual(checkpointing.map((m) => m.key), ['asha_promote']);
});
