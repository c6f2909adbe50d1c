import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { createSearcher } from '../../../runtime/search/create_searcher';
import { searchAlgProblems } from '../../../runtime/search/search_alg_problems';
import { parseSpecText } from '../../../runtime/spec/load';

const FILE = '/experiments/demo.tune.yaml';

const messages = (text: string) => parseSpecText(text, FILE).problems.map((p) => `${p.line}:${p.column} ${p.message}`);

/** line:column (1-based) of the first occurrence of `needle`, where a problem should point. */
function placeOf(text: string, needle: string): string {
  const before = text.slice(0, text.indexOf(needle)).split('\n');
  return `${before.length}:${before[before.length - 1].length + 1}`;
}

const tpeSpec = (searchAlg: string, extra = '') => `trainer: {command: [python3, train.py]}
param_space:
  train_loop_config:
    lr: {loguniform: [1.0e-4, 1.0e-1]}
    bs: {choice: [32, 64]}
tune_config:
  num_samples: 4
  metric: loss
  mode: min
  search_alg: ${searchAlg}
${extra}`;

test('a tpe search_alg with its options loads as written, and makes a TPE searcher', () => {
  const result = parseSpecText(tpeSpec('{type: tpe, n_startup_trials: 5, gamma: 0.25, multivariate: true, max_concurrent: 2}'), FILE);
  assert.deepEqual(result.problems, []);
  assert.ok(result.spec);
  assert.deepEqual(result.spec.tune_config.search_alg, { type: 'tpe', n_startup_trials: 5, gamma: 0.25, multivariate: true, max_concurrent: 2 });
  assert.equal(createSearcher(result.spec).name, 'tpe');
});

test('a misspelled tpe option is refused at the key, suggesting the option it resembles', () => {
  const text = tpeSpec('{type: tpe, n_startup_trial: 5}');
  assert.deepEqual(messages(text), [`${placeOf(text, 'n_startup_trial')} unknown key "n_startup_trial" in tune_config.search_alg; did you mean n_startup_trials?`]);
});

test('tpe options of the wrong type or range are refused at their values, saying what they must be', () => {
  const text = tpeSpec('{type: tpe, gamma: 0, n_ei_candidates: 0, prior_weight: "1", multivariate: "yes"}');
  assert.deepEqual(messages(text), [
    `${placeOf(text, '0, n_ei')} tune_config.search_alg.gamma must be greater than 0, got 0`,
    `${placeOf(text, '0, prior')} tune_config.search_alg.n_ei_candidates must be at least 1, got 0`,
    `${placeOf(text, '"1"')} tune_config.search_alg.prior_weight must be a number, got "1"; remove the quotes`,
    `${placeOf(text, '"yes"')} tune_config.search_alg.multivariate must be true or false, got "yes"; write true or false (YAML 1.2 reads yes, no, on and off as text)`,
  ]);
});

test('grid_search under tpe is a problem at the grid_search, telling to use choice', () => {
  const data = parse(tpeSpec('tpe').replace('{choice: [32, 64]}', '{grid_search: [32, 64]}'));
  assert.deepEqual(searchAlgProblems(data), [
    {
      path: ['param_space', 'train_loop_config', 'bs', 'grid_search'],
      message: 'param_space.train_loop_config.bs.grid_search: grid_search cannot be modelled by TPE; use choice instead, e.g. {choice: [32,64]}',
      severity: 'error',
    },
  ]);
});

test('tpe without a metric or mode anywhere is a problem at search_alg; metric and mode on the search_alg are enough', () => {
  const withoutMetric = parse(tpeSpec('tpe').replace('  metric: loss\n  mode: min\n', ''));
  assert.deepEqual(searchAlgProblems(withoutMetric).map((p) => [p.path, p.severity]), [[['tune_config', 'search_alg'], 'error']]);
  assert.match(searchAlgProblems(withoutMetric)[0].message, /needs a metric and a mode/);
  withoutMetric.tune_config.search_alg = { type: 'tpe', metric: 'loss', mode: 'min' };
  assert.deepEqual(searchAlgProblems(withoutMetric), []);
});

test('a tpe option given to random search is refused at its key', () => {
  const problems = searchAlgProblems(parse(tpeSpec('{type: random, n_startup_trials: 5}')));
  assert.deepEqual(problems, [
    {
      path: ['tune_config', 'search_alg', 'n_startup_trials'],
      message: 'tune_config.search_alg.n_startup_trials is an option of tpe, not of random; remove it or set type: tpe',
      severity: 'error',
      at: 'key',
    },
  ]);
});

test('points_to_evaluate: an unknown key is an error; a value outside its range warns for random and is an error for tpe', () => {
  const points = '  points_to_evaluate: [{train_loop_config: {lrr: 0.1}}, {train_loop_config: {lr: 5}}]';
  for (const [type, severity] of [['random', 'warning'], ['tpe', 'error']] as const) {
    const data = parse(tpeSpec(`\n    type: ${type}\n  ${points}`));
    assert.deepEqual(
      searchAlgProblems(data).map((p) => [p.path.join('.'), p.severity, p.message]),
      [
        ['tune_config.search_alg.points_to_evaluate.0.train_loop_config.lrr', 'error', 'tune_config.search_alg.points_to_evaluate[0] sets train_loop_config.lrr, which is not in param_space; fix the name or add train_loop_config.lrr to param_space'],
        ['tune_config.search_alg.points_to_evaluate.1.train_loop_config.lr', severity, 'tune_config.search_alg.points_to_evaluate[1] sets train_loop_config.lr to 5, which is outside the searched range [0.0001, 0.1]'],
      ],
    );
  }
});

test('more points than num_samples warns under tpe, which runs only num_samples trials', () => {
  const points = Array.from({ length: 5 }, () => '{train_loop_config: {bs: 32}}').join(', ');
  const problems = searchAlgProblems(parse(tpeSpec(`{type: tpe, points_to_evaluate: [${points}]}`)));
  assert.deepEqual(problems.map((p) => [p.severity, p.message]), [
    ['warning', 'tune_config.search_alg.points_to_evaluate has 5 points but num_samples is 4; TPE runs only the first 4'],
  ]);
});

test('a good random spec and a spec without search_alg have no search_alg problems', () => {
  assert.deepEqual(searchAlgProblems(parse(tpeSpec('{type: random, points_to_evaluate: [{train_loop_config: {lr: 0.01}}]}'))), []);
  assert.deepEqual(searchAlgProblems(parse('trainer: {command: [a]}\n')), []);
  assert.deepEqual(searchAlgProblems(null), []);
});
