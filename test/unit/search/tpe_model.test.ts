import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDomain } from '../../../runtime/search/space';
import type { SampledDomain } from '../../../runtime/search/domain';
import { createRng } from '../../../runtime/search/rng';
import { dimensionOf, type Dimension } from '../../../runtime/search/tpe/dimension';
import { logMassBetween, logNormalCdf, normalCdf, truncatedNormalQuantile } from '../../../runtime/search/tpe/normal';
import { ParzenEstimator, type ParzenSettings } from '../../../runtime/search/tpe/parzen';
import { goodCount, splitObservations, trialWeights } from '../../../runtime/search/tpe/split';

const settings: ParzenSettings = { priorWeight: 1, considerEndpoints: false, multivariate: false };
const dimension = (node: unknown): Dimension => dimensionOf(parseDomain(node) as SampledDomain);
const close = (actual: number, expected: number, tolerance: number, what = '') =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what} ${actual} is not within ${tolerance} of ${expected}`);

test('the normal CDF matches tabulated values to near double precision, deep into the tail', () => {
  close(normalCdf(-1), 0.15865525393145707, 1e-15);
  close(normalCdf(1.5), 0.9331927987311419, 1e-15);
  close(normalCdf(-3) / 0.0013498980316301, 1, 1e-12);
  close(normalCdf(-8) / 6.22096057427178e-16, 1, 1e-12);
  // Mills' ratio: log Φ(z) ≈ log φ(z) − log(−z) for very negative z.
  close(logNormalCdf(-40), -800 - 0.5 * Math.log(2 * Math.PI) - Math.log(40) + Math.log1p(-1 / 1600), 1e-4);
  assert.ok(Number.isFinite(logMassBetween(30, 31)));
  close(Math.exp(logMassBetween(-1, 1)), 0.6826894921370859, 1e-15);
});

test('a truncated normal quantile lands where its share of the mass is u, and never outside [a, b]', () => {
  const rng = createRng(1);
  for (let i = 0; i < 300; i++) {
    const a = rng.uniform(-6, 1);
    const b = a + rng.uniform(0.01, 8);
    const u = rng.next();
    const z = truncatedNormalQuantile(a, b, u);
    assert.ok(z >= a && z <= b);
    close(Math.exp(logMassBetween(a, z) - logMassBetween(a, b)), u, 1e-8, `a=${a} b=${b}`);
  }
  close(truncatedNormalQuantile(-Infinity, Infinity, 0.975), 1.959963984540054, 1e-12);
});

test('the good group is ceil(10%) of the trials up to 25, and both groups keep trial order', () => {
  assert.deepEqual([1, 10, 11, 100, 251, 1000].map((n) => goodCount(n, 0.1)), [1, 1, 2, 10, 25, 25]);
  const observations = [5, 1, 4, 2, 3].map((loss, index) => ({ index, point: [loss], loss }));
  const { good, rest } = splitObservations(observations, 0.4);
  assert.deepEqual(good.map((o) => o.index), [1, 3]);
  assert.deepEqual(rest.map((o) => o.index), [0, 2, 4]);
});

test('trials weigh the same up to 25, beyond that the oldest fade linearly from 1/n', () => {
  assert.deepEqual(trialWeights(3), [1, 1, 1]);
  const weights = trialWeights(30);
  assert.equal(weights.length, 30);
  close(weights[0], 1 / 30, 1e-15);
  close(weights[4], 1, 1e-15);
  assert.deepEqual(weights.slice(5), new Array(25).fill(1));
  assert.ok(weights.slice(0, 5).every((w, i, all) => i === 0 || w > all[i - 1]));
});

test('one observed category of three gets (0.6 + 1/3) / 2 of the mass with prior weight 1, as Optuna smooths it', () => {
  const choice = dimension({ choice: ['a', 'b', 'c'] });
  const estimator = new ParzenEstimator([choice], [[1]], [1], settings);
  // The observation's kernel is (1/2, 1 + 1/2, 1/2) / 2.5; the prior kernel is uniform; each weighs 1/2.
  close(Math.exp(estimator.logPdf([1])), 0.5 * 0.6 + 0.5 / 3, 1e-12);
  close(Math.exp(estimator.logPdf([0])), 0.5 * 0.2 + 0.5 / 3, 1e-12);
});

test('the probabilities of every value of a discrete domain add up to one', () => {
  const range = (from: number, to: number, step = 1) => Array.from({ length: Math.round((to - from) / step) + 1 }, (_, i) => Number((from + i * step).toFixed(6)));
  const cases: [unknown, number[], number][] = [
    [{ randint: [0, 7] }, range(0, 6), 2],
    [{ qrandint: [10, 50, 10] }, range(10, 50, 10), 40],
    [{ lograndint: [1, 40] }, range(1, 39), 3],
    [{ qloguniform: [0.1, 2, 0.1] }, range(0.1, 2, 0.1), 0.3],
  ];
  for (const [node, values, observed] of cases) {
    const estimator = new ParzenEstimator([dimension(node)], [[observed]], [1], settings);
    const total = values.reduce((sum, v) => sum + Math.exp(estimator.logPdf([v])), 0);
    close(total, 1, 1e-9, JSON.stringify(node));
  }
});

test('a continuous density integrates to one over its axis, the log axis for loguniform', () => {
  for (const node of [{ uniform: [-2, 3] }, { loguniform: [1e-4, 1] }]) {
    const dim = dimension(node);
    assert.equal(dim.kind, 'numeric');
    if (dim.kind !== 'numeric') return;
    const log = 'loguniform' in node;
    const estimator = new ParzenEstimator([dim], [[log ? 0.01 : 0.5], [log ? 0.02 : 1]], [1, 1], settings);
    const steps = 20000;
    const width = (dim.high - dim.low) / steps;
    let integral = 0;
    for (let i = 0; i < steps; i++) {
      const x = dim.low + (i + 0.5) * width;
      integral += Math.exp(estimator.logPdf([log ? Math.exp(x) : x])) * width;
    }
    close(integral, 1, 1e-3, JSON.stringify(node));
  }
});

test('draws from an estimator follow its own density: frequencies of a discrete domain match its probabilities', () => {
  const dim = dimension({ randint: [0, 6] });
  const estimator = new ParzenEstimator([dim], [[1], [1], [4]], [1, 1, 1], settings);
  const counts = new Array(6).fill(0);
  const rng = createRng(9);
  const draws = 6000;
  for (let i = 0; i < draws; i++) counts[estimator.sample(rng)[0]]++;
  counts.forEach((count, v) => close(count / draws, Math.exp(estimator.logPdf([v])), 0.025, `value ${v}`));
});

test('the density is highest near the observations and lowest far from them', () => {
  const dim = dimension({ uniform: [0, 1] });
  const estimator = new ParzenEstimator([dim], [[0.2], [0.25]], [1, 1], settings);
  assert.ok(estimator.logPdf([0.22]) > estimator.logPdf([0.5]));
  assert.ok(estimator.logPdf([0.5]) > estimator.logPdf([0.95]));
});
