import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ParamSpaceError } from '../../../runtime/search/space';
import { countTrials, generateVariants, planSearch, variantAt, type Variant } from '../../../runtime/search/variants';

const all = (space: unknown, numSamples: number, seed = 0): Variant[] => [...generateVariants(space, { numSamples, seed })];

const searchSpace = {
  train_loop_config: {
    lr: { loguniform: [1e-5, 1e-1] },
    optimizer: { grid_search: ['adam', 'sgd', 'lamb'] },
    epochs: 10,
    model: { depth: { grid_search: [2, 4] }, widths: [64, 32], dropout: { uniform: [0, 0.5] } },
  },
  scaling_config: { num_workers: { choice: [2, 4] }, use_gpu: false },
};

test('two grids of 3 and 2 with num_samples 4 make 24 trials, each combination exactly 4 times', () => {
  assert.equal(countTrials(searchSpace, 4), 24);
  const variants = all(searchSpace, 4);
  assert.equal(variants.length, 24);
  assert.deepEqual(variants.map((v) => v.index), [...Array(24).keys()]);
  const combos = new Map<string, number>();
  for (const { config } of variants) {
    const train = config.train_loop_config as { optimizer: string; model: { depth: number } };
    const key = `${train.optimizer}/${train.model.depth}`;
    combos.set(key, (combos.get(key) ?? 0) + 1);
  }
  assert.equal(combos.size, 6);
  for (const count of combos.values()) assert.equal(count, 4);
});

test('the whole grid is repeated for each sample, the grid leaf first by path varying fastest', () => {
  const space = { b: { grid_search: ['x', 'y'] }, a: { grid_search: [1, 2] } };
  const order = all(space, 2).map((v) => `${v.config.a}${v.config.b}`);
  assert.deepEqual(order, ['1x', '2x', '1y', '2y', '1x', '2x', '1y', '2y']);
});

test('a nested grid path sorts by its keys, as Ray sorts its grid paths', () => {
  const space = { model: { depth: { grid_search: [2, 4] } }, lr: { grid_search: [0.1, 0.01] } };
  const order = all(space, 1).map((v) => [v.config.lr, (v.config.model as { depth: number }).depth]);
  assert.deepEqual(order, [[0.1, 2], [0.01, 2], [0.1, 4], [0.01, 4]]);
});

test('random primitives are drawn afresh for every trial, including repeats of a grid point', () => {
  const lrs = all(searchSpace, 4).map((v) => (v.config.train_loop_config as { lr: number }).lr);
  assert.equal(new Set(lrs).size, 24);
  assert.ok(lrs.every((lr) => lr >= 1e-5 && lr <= 1e-1));
});

test('constants, lists and nested mappings pass through unchanged next to sampled values', () => {
  const [first] = all(searchSpace, 1, 5);
  const train = first.config.train_loop_config as Record<string, unknown>;
  assert.equal(train.epochs, 10);
  assert.deepEqual((train.model as Record<string, unknown>).widths, [64, 32]);
  assert.deepEqual(Object.keys(train), ['lr', 'optimizer', 'epochs', 'model']);
  const scaling = first.config.scaling_config as { num_workers: number; use_gpu: boolean };
  assert.equal(scaling.use_gpu, false);
  assert.ok([2, 4].includes(scaling.num_workers));
});

test('job-level parameters such as scaling_config.num_workers are sampled like any other', () => {
  const workers = new Set(all(searchSpace, 10).map((v) => (v.config.scaling_config as { num_workers: number }).num_workers));
  assert.deepEqual([...workers].sort(), [2, 4]);
});

test('configs do not share objects with the space or with each other', () => {
  const space = { opt: { choice: [{ name: 'adam' }] }, widths: [1, 2] };
  const [a, b] = all(space, 2);
  (a.config.opt as { name: string }).name = 'changed';
  (a.config.widths as number[]).push(3);
  assert.deepEqual(b.config, { opt: { name: 'adam' }, widths: [1, 2] });
  assert.deepEqual(space.widths, [1, 2]);
});

test('sampled lists every primitive-made leaf by path, ordered by path', () => {
  const [first] = all(searchSpace, 1, 1);
  assert.deepEqual(first.sampled.map((s) => s.path), [
    'scaling_config/num_workers',
    'train_loop_config/lr',
    'train_loop_config/model/depth',
    'train_loop_config/model/dropout',
    'train_loop_config/optimizer',
  ]);
  const train = first.config.train_loop_config as { lr: number };
  assert.equal(first.sampled[1].value, train.lr);
});

test('the same spec and seed give identical configs', () => {
  assert.deepEqual(all(searchSpace, 3, 42), all(searchSpace, 3, 42));
});

test('a different seed gives different sampled values but the same grid', () => {
  const one = all(searchSpace, 1, 1);
  const two = all(searchSpace, 1, 2);
  const lr = (v: Variant) => (v.config.train_loop_config as { lr: number }).lr;
  const grid = (v: Variant) => (v.config.train_loop_config as { optimizer: string }).optimizer;
  assert.ok(one.every((v, i) => lr(v) !== lr(two[i])));
  assert.deepEqual(one.map(grid), two.map(grid));
});

test("trial i's config is the same when made alone as after all the trials before it", () => {
  const plan = planSearch(searchSpace);
  const inOrder = all(searchSpace, 4, 9);
  for (const i of [23, 0, 17, 5]) assert.deepEqual(variantAt(plan, i, 9), inOrder[i]);
});

test('adding a parameter leaves the values drawn for the others unchanged', () => {
  const before = all({ lr: { uniform: [0, 1] } }, 5, 3).map((v) => v.config.lr);
  const after = all({ lr: { uniform: [0, 1] }, wd: { uniform: [0, 1] } }, 5, 3).map((v) => v.config.lr);
  assert.deepEqual(after, before);
});

test('generation is lazy, so num_samples -1 can be taken from without end', () => {
  assert.equal(countTrials({ lr: { uniform: [0, 1] } }, -1), Infinity);
  const variants = generateVariants({ x: { grid_search: [1, 2] } }, { numSamples: -1, seed: 0 });
  const firstFive = Array.from({ length: 5 }, () => variants.next().value as Variant);
  assert.deepEqual(firstFive.map((v) => v.config.x), [1, 2, 1, 2, 1]);
});

test('a space without primitives gives num_samples identical trials', () => {
  const variants = all({ train_loop_config: { lr: 0.1 } }, 3);
  assert.equal(variants.length, 3);
  assert.ok(variants.every((v) => v.sampled.length === 0 && (v.config.train_loop_config as { lr: number }).lr === 0.1));
  assert.deepEqual(all(undefined, 2).map((v) => v.config), [{}, {}]);
});

test('an invalid space or num_samples is refused when generation is asked for, not later', () => {
  assert.throws(() => generateVariants({ lr: { uniform: [1, 0] } }, { numSamples: 1, seed: 0 }), ParamSpaceError);
  assert.throws(() => countTrials({ lr: { choice: [] } }, 1), ParamSpaceError);
  for (const bad of [0, -2, 1.5, NaN]) {
    assert.throws(() => generateVariants({}, { numSamples: bad, seed: 0 }), RangeError);
  }
  assert.throws(() => variantAt(planSearch({}), -1, 0), RangeError);
});
