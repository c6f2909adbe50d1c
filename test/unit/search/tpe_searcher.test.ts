import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ExperimentSpec } from '../../../protocol/spec';
import { createSearcher } from '../../../runtime/search/create_searcher';
import type { Searcher, Suggestion } from '../../../runtime/search/searcher';
import { SearcherStateError } from '../../../runtime/search/searcher_state';
import { ParamSpaceError } from '../../../runtime/search/space';
import { tpeSpaceProblems } from '../../../runtime/search/tpe/space_problems';

type Options = Record<string, unknown>;
type Objective = (config: Record<string, unknown>) => number;

function specWith(space: Record<string, unknown>, searchAlg: Options, numSamples: number, seed = 0, metric: Options = { metric: 'loss', mode: 'min' }): Pick<ExperimentSpec, 'param_space' | 'tune_config'> {
  return {
    param_space: space,
    tune_config: { num_samples: numSamples, max_concurrent_trials: 0, seed, scheduler: { type: 'fifo' }, search_alg: { type: 'tpe', ...searchAlg }, admission: 'coordinated', ...metric },
  };
}

const train = (s: Suggestion) => s.config.train_loop_config as Record<string, unknown>;

/** Runs trials one at a time, reporting `objective` as the final loss of each. */
function runSequentially(searcher: Searcher, objective: Objective, from = 0, count = Infinity): Suggestion[] {
  const out: Suggestion[] = [];
  for (let index = from; index < from + count; index++) {
    const suggestion = searcher.suggest(index);
    if (!suggestion) break;
    out.push(suggestion);
    const loss = objective(train(suggestion));
    searcher.onTrialResult(index, { loss, training_iteration: 1 });
    searcher.onTrialComplete(index, { loss, training_iteration: 1 }, false);
  }
  return out;
}

const bowl = { train_loop_config: { x: { uniform: [0, 1] }, y: { loguniform: [1e-4, 1] } } };
const bowlLoss: Objective = ({ x, y }) => ((x as number) - 0.3) ** 2 + (Math.log10(y as number) + 2) ** 2;

test('the same seed and the same results give the same suggestions; another seed gives others', () => {
  const run = (seed: number) => runSequentially(createSearcher(specWith(bowl, { n_startup_trials: 5 }, 15, seed)), bowlLoss);
  assert.deepEqual(run(3), run(3));
  assert.notDeepEqual(run(3).slice(5), run(4).slice(5));
});

test('TPE finds lower values than random search on a known function, over 30 seeds of 40 trials', () => {
  const best = (type: string, seed: number) => {
    const trials = runSequentially(createSearcher(specWith(bowl, { type }, 40, seed)), bowlLoss);
    return Math.min(...trials.map((t) => bowlLoss(train(t))));
  };
  const seeds = Array.from({ length: 30 }, (_, seed) => seed);
  const tpe = seeds.map((seed) => best('tpe', seed));
  const random = seeds.map((seed) => best('random', seed));
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length / 2];
  const wins = seeds.filter((seed) => tpe[seed] < random[seed]).length;
  assert.ok(median(tpe) < median(random), `median best: tpe ${median(tpe)}, random ${median(random)}`);
  assert.ok(wins >= 21, `TPE won ${wins} of 30 seeds`);
});

const everyKind = {
  train_loop_config: {
    uniform: { uniform: [-1, 2] },
    quniform: { quniform: [0, 1, 0.05] },
    loguniform: { loguniform: [1e-5, 1e-1] },
    qloguniform: { qloguniform: [0.001, 1, 0.001] },
    randint: { randint: [-3, 4] },
    qrandint: { qrandint: [8, 100, 8] },
    lograndint: { lograndint: [1, 1000] },
    qlograndint: { qlograndint: [16, 1024, 16] },
    randn: { randn: [5, 2] },
    qrandn: { qrandn: [0, 1, 0.25] },
    choice: { choice: ['adam', { name: 'sgd', momentum: 0.9 }, 3] },
  },
};

const onStep = (value: number, q: number) => Math.abs(value / q - Math.round(value / q)) < 1e-9;

function checkDomains(c: Record<string, unknown>): void {
  const n = (key: string) => c[key] as number;
  const within = (key: string, low: number, high: number, highIncluded: boolean) =>
    assert.ok(n(key) >= low && (highIncluded ? n(key) <= high : n(key) < high), `${key} = ${n(key)}`);
  within('uniform', -1, 2, false);
  within('quniform', 0, 1, true);
  assert.ok(onStep(n('quniform'), 0.05));
  within('loguniform', 1e-5, 1e-1, false);
  within('qloguniform', 0.001, 1, true);
  assert.ok(onStep(n('qloguniform'), 0.001));
  within('randint', -3, 4, false);
  within('qrandint', 8, 100, true);
  within('lograndint', 1, 1000, false);
  within('qlograndint', 16, 1024, true);
  for (const key of ['randint', 'qrandint', 'lograndint', 'qlograndint']) assert.ok(Number.isInteger(n(key)), `${key} = ${n(key)}`);
  assert.ok(n('qrandint') % 8 === 0 && n('qlograndint') % 16 === 0);
  assert.ok(Number.isFinite(n('randn')));
  assert.ok(onStep(n('qrandn'), 0.25));
  assert.ok(['adam', 3].includes(c.choice as string) || JSON.stringify(c.choice) === '{"name":"sgd","momentum":0.9}', `choice = ${JSON.stringify(c.choice)}`);
}

test('every suggestion stays inside its domain with its type, for every kind of primitive, univariate and multivariate', () => {
  const loss: Objective = (c) => Math.abs((c.uniform as number) - 0.5) + Math.log10(c.loguniform as number) + (c.choice === 3 ? 0 : 1) + Math.abs(c.randn as number);
  for (const multivariate of [false, true]) {
    const trials = runSequentially(createSearcher(specWith(everyKind, { n_startup_trials: 5, multivariate }, 40, 11)), loss);
    assert.equal(trials.length, 40);
    for (const trial of trials) checkDomains(train(trial));
  }
});

test('choice values come only from the list, and TPE comes to favour the category of the good trials', () => {
  const space = { train_loop_config: { c: { choice: ['a', 'b', 'c', 'd'] } } };
  let chosenB = 0;
  for (let seed = 0; seed < 10; seed++) {
    const trials = runSequentially(createSearcher(specWith(space, {}, 40, seed)), ({ c }) => (c === 'b' ? 0 : 1));
    for (const trial of trials) assert.ok(['a', 'b', 'c', 'd'].includes(train(trial).c as string));
    chosenB += trials.slice(20).filter((t) => train(t).c === 'b').length;
  }
  assert.ok(chosenB / 200 > 0.5, `b was chosen in ${chosenB} of the 200 later trials`);
});

test('with mode max TPE moves towards high values of the metric, with mode min towards low ones', () => {
  const space = { train_loop_config: { x: { uniform: [0, 1] } } };
  const lateMean = (mode: string) => {
    const searcher = createSearcher(specWith(space, {}, 40, 2, { metric: 'score', mode }));
    const xs: number[] = [];
    for (let i = 0; i < 40; i++) {
      const x = train(searcher.suggest(i) as Suggestion).x as number;
      xs.push(x);
      searcher.onTrialComplete(i, { score: x }, false);
    }
    return xs.slice(20).reduce((s, x) => s + x, 0) / 20;
  };
  assert.ok(lateMean('max') > 0.7);
  assert.ok(lateMean('min') < 0.3);
});

test('trials still running without a result spread concurrent suggestions out (constant liar), unlike failed trials, which are forgotten', () => {
  const space = { train_loop_config: { x: { randint: [0, 20] } } };
  let distinctWhileRunning = 0;
  let distinctAfterFailures = 0;
  for (let seed = 0; seed < 20; seed++) {
    const running = createSearcher(specWith(space, {}, 30, seed));
    const failing = createSearcher(specWith(space, {}, 30, seed));
    for (const searcher of [running, failing]) runSequentially(searcher, ({ x }) => Math.abs((x as number) - 7), 0, 20);
    const whileRunning: unknown[] = [];
    const afterFailures: unknown[] = [];
    for (let i = 20; i < 24; i++) {
      whileRunning.push(train(running.suggest(i) as Suggestion).x);
      afterFailures.push(train(failing.suggest(i) as Suggestion).x);
      failing.onTrialComplete(i, undefined, true);
    }
    if (new Set(whileRunning).size === 4) distinctWhileRunning++;
    if (new Set(afterFailures).size === 4) distinctAfterFailures++;
  }
  assert.ok(distinctWhileRunning >= 12, `4 different values in ${distinctWhileRunning} of 20 seeds`);
  assert.ok(distinctAfterFailures <= 5, `4 different values without liars in ${distinctAfterFailures} of 20 seeds`);
});

test("the first n_startup_trials trials are random search's trials for the same seed", () => {
  const tpe = runSequentially(createSearcher(specWith(bowl, { n_startup_trials: 4 }, 6, 9)), bowlLoss);
  const random = runSequentially(createSearcher(specWith(bowl, { type: 'random' }, 6, 9)), bowlLoss);
  assert.deepEqual(tpe.slice(0, 4), random.slice(0, 4));
  assert.notDeepEqual(tpe.slice(4), random.slice(4));
});

test('startup ends when enough trials have reported the metric, counting intermediate results of running trials', () => {
  const random = runSequentially(createSearcher(specWith(bowl, { type: 'random' }, 5, 1)), bowlLoss);
  const searcher = createSearcher(specWith(bowl, { n_startup_trials: 3 }, 5, 1));
  for (let i = 0; i < 3; i++) searcher.suggest(i);
  searcher.onTrialComplete(0, undefined, false);
  searcher.onTrialResult(1, { loss: 0.5 });
  assert.deepEqual(searcher.suggest(3), random[3], 'one trial has reported: still random');
  searcher.onTrialResult(2, { loss: 0.1 });
  searcher.onTrialResult(3, { accuracy: 0.1 });
  searcher.onTrialResult(3, { loss: 0.3 });
  assert.notDeepEqual(searcher.suggest(4), random[4], 'three running trials have reported: TPE');
});

test('points_to_evaluate are the first TPE trials, with the parameters they leave out drawn at random', () => {
  const points = [{ train_loop_config: { x: 0.3, y: 0.01 } }, { train_loop_config: { x: 0.9 } }];
  const trials = runSequentially(createSearcher(specWith(bowl, { points_to_evaluate: points }, 5, 2)), bowlLoss);
  assert.deepEqual(train(trials[0]), { x: 0.3, y: 0.01 });
  assert.equal(train(trials[1]).x, 0.9);
  const y = train(trials[1]).y as number;
  assert.ok(y >= 1e-4 && y < 1);
  assert.deepEqual(trials[0].sampled, [{ path: 'train_loop_config/x', value: 0.3 }, { path: 'train_loop_config/y', value: 0.01 }]);
});

test('a point TPE cannot model is refused when the searcher is made', () => {
  const outside = [{ train_loop_config: { x: 1.5 } }];
  assert.throws(() => createSearcher(specWith(bowl, { points_to_evaluate: outside }, 5)), /points_to_evaluate\[0\] sets train_loop_config\.x to 1\.5, which is outside the searched range \[0, 1\]/);
  const unknownChoice = [{ train_loop_config: { c: 'lion' } }];
  const space = { train_loop_config: { c: { choice: ['adam', 'sgd'] } } };
  assert.throws(() => createSearcher(specWith(space, { points_to_evaluate: unknownChoice }, 5)), /"lion", which is not one of the choices/);
});

test('a restored TPE searcher saves the same state and makes the same suggestions from the same results', () => {
  const spec = specWith(bowl, { n_startup_trials: 5 }, 30, 4);
  const original = createSearcher(spec);
  runSequentially(original, bowlLoss, 0, 12);
  original.suggest(12);
  original.onTrialResult(12, { loss: 0.7 });
  original.suggest(13);
  const restored = createSearcher(spec);
  restored.restoreState(JSON.parse(JSON.stringify(original.saveState())));
  assert.deepEqual(restored.saveState(), original.saveState());
  for (const searcher of [original, restored]) {
    searcher.onTrialComplete(12, { loss: 0.7 }, false);
    searcher.onTrialComplete(13, { loss: 0.2 }, false);
  }
  assert.deepEqual(runSequentially(restored, bowlLoss, 14, 10), runSequentially(original, bowlLoss, 14, 10));
});

test('restoring TPE from the state of another searcher, space or malformed data is refused with the reason', () => {
  const spec = specWith(bowl, {}, 30);
  const fromRandom = createSearcher(specWith(bowl, { type: 'random' }, 30)).saveState();
  assert.throws(() => createSearcher(spec).restoreState(fromRandom), /saved by the random search algorithm, but this experiment uses tpe/);
  const otherSpace = createSearcher(specWith({ train_loop_config: { x: { uniform: [0, 2] } } }, {}, 30)).saveState();
  assert.throws(() => createSearcher(spec).restoreState(otherSpace), /different param_space/);
  const otherOptions = createSearcher(specWith(bowl, { gamma: 0.2 }, 30)).saveState();
  assert.throws(() => createSearcher(spec).restoreState(otherOptions), /different tune_config.search_alg options/);
  const broken = createSearcher(spec).saveState() as Record<string, unknown>;
  broken.trials = [{ point: [0.5], state: 'running' }];
  assert.throws(() => createSearcher(spec).restoreState(broken), SearcherStateError);
  assert.throws(() => createSearcher(spec).restoreState(undefined), /not a saved searcher state/);
});

test('grid_search in a TPE space is refused with its path and the advice to use choice', () => {
  const space = { train_loop_config: { lr: { uniform: [0, 1] }, model: { depth: { grid_search: [2, 4] } } } };
  assert.deepEqual(tpeSpaceProblems(space), [
    { path: ['train_loop_config', 'model', 'depth', 'grid_search'], message: 'grid_search cannot be modelled by TPE; use choice instead, e.g. {choice: [2,4]}' },
  ]);
  assert.throws(() => createSearcher(specWith(space, {}, 5)), (err: unknown) => err instanceof ParamSpaceError && /train_loop_config\.model\.depth\.grid_search: grid_search cannot be modelled by TPE/.test(err.message));
});

test('TPE without a metric or mode refuses to start, saying what to set', () => {
  assert.throws(() => createSearcher(specWith(bowl, {}, 5, 0, {})), /tpe search algorithm needs a metric and a mode.*set tune_config\.metric and tune_config\.mode/);
  assert.ok(createSearcher(specWith(bowl, { metric: 'loss', mode: 'min' }, 5, 0, {})));
});

test('max_concurrent makes TPE wait for a result, and it stops after num_samples trials', () => {
  const searcher = createSearcher(specWith(bowl, { max_concurrent: 1 }, 2));
  assert.equal(searcher.total, 2);
  assert.ok(searcher.suggest(0));
  assert.equal(searcher.suggest(1), null);
  searcher.onTrialComplete(0, { loss: 1 }, false);
  assert.ok(searcher.suggest(1));
  searcher.onTrialComplete(1, { loss: 1 }, false);
  assert.equal(searcher.suggest(2), undefined);
});
