import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ExperimentSpec, SearchAlgSpec } from '../../../protocol/spec';
import { BasicVariantSearcher } from '../../../runtime/search/basic_variant_searcher';
import { createSearcher } from '../../../runtime/search/create_searcher';
import type { Searcher, Suggestion } from '../../../runtime/search/searcher';
import { SearcherStateError } from '../../../runtime/search/searcher_state';
import { TpeSearcher } from '../../../runtime/search/tpe_searcher';
import { generateVariants } from '../../../runtime/search/variants';

function specWith(space: Record<string, unknown>, searchAlg: SearchAlgSpec, numSamples: number, seed = 0): Pick<ExperimentSpec, 'param_space' | 'tune_config'> {
  return {
    param_space: space,
    tune_config: { num_samples: numSamples, max_concurrent_trials: 0, seed, scheduler: { type: 'fifo' }, search_alg: searchAlg, admission: 'coordinated', metric: 'loss', mode: 'min' },
  };
}

/** Every suggestion until the searcher says it is done, completing each trial at once. */
function drain(searcher: Searcher): Suggestion[] {
  const out: Suggestion[] = [];
  for (let index = 0; ; index++) {
    const suggestion = searcher.suggest(index);
    if (suggestion === undefined) return out;
    assert.ok(suggestion, `trial ${index} was refused`);
    out.push(suggestion);
    searcher.onTrialComplete(index, undefined, false);
  }
}

const space = {
  train_loop_config: {
    lr: { loguniform: [1e-5, 1e-1] },
    optimizer: { grid_search: ['adam', 'sgd'] },
    epochs: 10,
  },
  scaling_config: { num_workers: { choice: [1, 2] } },
};

test('random search suggests exactly the configs generateVariants makes for the same seed, trial by trial', () => {
  const searcher = createSearcher(specWith(space, { type: 'random' }, 3, 7));
  const expected = [...generateVariants(space, { numSamples: 3, seed: 7 })];
  assert.equal(searcher.total, 6);
  assert.deepEqual(drain(searcher), expected.map(({ config, sampled }) => ({ config, sampled })));
});

test('grid is the same generator as random, under its own name', () => {
  const grid = createSearcher(specWith(space, { type: 'grid' }, 2, 3));
  const random = createSearcher(specWith(space, { type: 'random' }, 2, 3));
  assert.equal(grid.name, 'grid');
  assert.deepEqual(drain(grid), drain(random));
});

test("points_to_evaluate follow Ray's example: three points and num_samples 4 over a 2-value grid make six trials", () => {
  const raySpace = { train_loop_config: { a: { grid_search: [1, 2] }, b: { randint: [0, 3] } } };
  const points = [{ train_loop_config: { a: 2, b: 2 } }, { train_loop_config: { a: 1 } }, { train_loop_config: { b: 2 } }];
  const searcher = createSearcher(specWith(raySpace, { type: 'random', points_to_evaluate: points }, 4));
  const trials = drain(searcher).map((s) => s.config.train_loop_config as { a: number; b: number });
  assert.equal(searcher.total, 6);
  assert.equal(trials.length, 6);
  assert.deepEqual(trials[0], { a: 2, b: 2 });
  assert.equal(trials[1].a, 1);
  assert.deepEqual(trials.slice(2, 4), [{ a: 1, b: 2 }, { a: 2, b: 2 }]);
  assert.deepEqual(trials.slice(4).map((t) => t.a), [1, 2]);
  for (const trial of trials) assert.ok([0, 1, 2].includes(trial.b));
});

test('a point replaces one sample, so the generated trials after it are the first ones random search would make', () => {
  const points = [{ train_loop_config: { lr: 0.01 } }];
  const withPoint = drain(createSearcher(specWith(space, { type: 'random', points_to_evaluate: points }, 3, 5)));
  const plain = drain(createSearcher(specWith(space, { type: 'random' }, 2, 5)));
  assert.equal(withPoint.length, 6);
  assert.deepEqual(withPoint.slice(0, 2).map((s) => (s.config.train_loop_config as { lr: number }).lr), [0.01, 0.01]);
  assert.deepEqual(withPoint.slice(2), plain);
});

test("a point's sampled leaves list the preset value under the searched path", () => {
  const points = [{ train_loop_config: { lr: 0.01, optimizer: 'sgd' } }];
  const [first] = drain(createSearcher(specWith(space, { type: 'random', points_to_evaluate: points }, 1)));
  const sampled = Object.fromEntries(first.sampled.map((leaf) => [leaf.path, leaf.value]));
  assert.equal(sampled['train_loop_config/lr'], 0.01);
  assert.equal(sampled['train_loop_config/optimizer'], 'sgd');
  assert.ok([1, 2].includes(sampled['scaling_config/num_workers'] as number));
  assert.deepEqual(first.sampled.map((leaf) => leaf.path), ['scaling_config/num_workers', 'train_loop_config/lr', 'train_loop_config/optimizer']);
});

test('points beyond num_samples still all run, as Ray pops points before counting samples', () => {
  const points = [1, 2, 3].map((n) => ({ scaling_config: { num_workers: n } }));
  const trials = drain(createSearcher(specWith({ scaling_config: { num_workers: { choice: [1, 2] } } }, { type: 'random', points_to_evaluate: points }, 2)));
  assert.deepEqual(trials.map((t) => (t.config.scaling_config as { num_workers: number }).num_workers), [1, 2, 3]);
});

test('a point naming a key that is not in param_space is refused with the key', () => {
  const points = [{ train_loop_config: { lrr: 0.01 } }];
  assert.throws(() => createSearcher(specWith(space, { type: 'random', points_to_evaluate: points }, 1)), /points_to_evaluate\[0\] sets train_loop_config\.lrr, which is not in param_space/);
});

test('with max_concurrent 2 the third trial waits until one of the first two completes', () => {
  const searcher = createSearcher(specWith(space, { type: 'random', max_concurrent: 2 }, 2));
  assert.ok(searcher.suggest(0));
  assert.ok(searcher.suggest(1));
  assert.equal(searcher.suggest(2), null);
  searcher.onTrialComplete(0, undefined, false);
  assert.ok(searcher.suggest(2));
});

test('num_samples -1 keeps suggesting and reports no total', () => {
  const searcher = createSearcher(specWith(space, { type: 'random' }, -1));
  assert.equal(searcher.total, undefined);
  for (let i = 0; i < 50; i++) assert.ok(searcher.suggest(i));
});

test('a restored random searcher continues at the same trial with the same running trials', () => {
  const spec = specWith(space, { type: 'random', max_concurrent: 2 }, 3);
  const first = createSearcher(spec);
  first.suggest(0);
  first.suggest(1);
  first.onTrialComplete(0, undefined, false);
  const second = createSearcher(spec);
  second.restoreState(JSON.parse(JSON.stringify(first.saveState())));
  assert.deepEqual(second.saveState(), first.saveState());
  assert.deepEqual(second.suggest(2), first.suggest(2));
  assert.equal(second.suggest(3), null);
});

test('restoring a random searcher from a state saved with another seed or space is refused, saying which', () => {
  const saved = createSearcher(specWith(space, { type: 'random' }, 3, 1)).saveState();
  assert.throws(() => createSearcher(specWith(space, { type: 'random' }, 3, 2)).restoreState(saved), /saved with seed 1, but this experiment has 2/);
  const other = { train_loop_config: { lr: { uniform: [0, 1] } } };
  assert.throws(() => createSearcher(specWith(other, { type: 'random' }, 3, 1)).restoreState(saved), SearcherStateError);
  assert.throws(() => createSearcher(specWith(space, { type: 'random' }, 3, 1)).restoreState({ next: 2 }), /not a saved searcher state/);
});

test('the factory picks the searcher for each type and refuses an unknown one', () => {
  const tpeSpace = { train_loop_config: { lr: { loguniform: [1e-5, 1e-1] } } };
  assert.ok(createSearcher(specWith(space, { type: 'grid' }, 1)) instanceof BasicVariantSearcher);
  assert.ok(createSearcher(specWith(tpeSpace, { type: 'tpe' }, 1)) instanceof TpeSearcher);
  assert.throws(() => createSearcher(specWith(space, { type: 'bohb' }, 1)), /search_alg.type must be one of random, grid, tpe; got "bohb"/);
  assert.throws(() => createSearcher(specWith(space, { type: 'random', gamma: 0.2 }, 1)), /gamma is an option of tpe, not of random/);
});

test('suggesting out of order is refused rather than skipping a trial', () => {
  const searcher = createSearcher(specWith(space, { type: 'random' }, 2));
  assert.throws(() => searcher.suggest(1), /expects trial 0 next; got 1/);
});
