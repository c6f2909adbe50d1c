import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '../../../runtime/search/rng';
import { sampleDomain } from '../../../runtime/search/sample';
import { parseDomain, valueKind, type SampledDomain } from '../../../runtime/search/space';

const DRAWS = 10_000;

function draw(primitive: Record<string, unknown>, count = DRAWS): number[] {
  const domain = parseDomain(primitive) as SampledDomain;
  const rng = createRng(123, count);
  return Array.from({ length: count }, () => sampleDomain(domain, rng) as number);
}

const isStep = (value: number, q: number) => Math.abs(value / q - Math.round(value / q)) < 1e-9;
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

test('uniform stays in [lower, upper) and spreads over the whole range', () => {
  const xs = draw({ uniform: [-2, 3] });
  assert.ok(xs.every((x) => x >= -2 && x < 3));
  assert.ok(Math.min(...xs) < -1.99 && Math.max(...xs) > 2.99);
  assert.ok(Math.abs(mean(xs) - 0.5) < 0.05);
});

test('quniform returns multiples of q within the bounds, upper included', () => {
  const xs = draw({ quniform: [0.2, 1, 0.1] });
  assert.ok(xs.every((x) => x >= 0.2 && x <= 1 && isStep(x, 0.1)));
  assert.ok(xs.includes(1) && xs.includes(0.2));
  assert.ok(xs.includes(0.3), 'values print as 0.3, not 0.30000000000000004');
});

test('loguniform stays in bounds and its median is near the geometric mean', () => {
  const xs = draw({ loguniform: [1e-5, 1e-1] });
  assert.ok(xs.every((x) => x >= 1e-5 && x <= 1e-1));
  const m = median(xs);
  assert.ok(m > 1e-3 / 1.25 && m < 1e-3 * 1.25, `median ${m}`);
  const belowTenth = xs.filter((x) => x < 1e-4).length / xs.length;
  assert.ok(Math.abs(belowTenth - 0.25) < 0.02, 'each decade gets a quarter of the draws');
});

test('loguniform draws the same values whatever base is given', () => {
  assert.deepEqual(draw({ loguniform: [1, 100, 2] }, 50), draw({ loguniform: [1, 100] }, 50));
});

test('qloguniform returns multiples of q within the bounds', () => {
  const xs = draw({ qloguniform: [1e-4, 1e-1, 1e-4] });
  assert.ok(xs.every((x) => x >= 1e-4 && x <= 1e-1 && isStep(x, 1e-4)));
  assert.ok(median(xs) < 0.01, 'most draws sit in the lower decades');
});

test('randint returns whole numbers and never returns upper', () => {
  const xs = draw({ randint: [1, 5] });
  assert.ok(xs.every((x) => Number.isInteger(x) && x >= 1 && x < 5));
  assert.deepEqual([...new Set(xs)].sort(), [1, 2, 3, 4]);
});

test('qrandint can return upper and returns only multiples of q', () => {
  const xs = draw({ qrandint: [16, 128, 16] });
  assert.ok(xs.every((x) => Number.isInteger(x) && x >= 16 && x <= 128 && x % 16 === 0));
  assert.deepEqual([...new Set(xs)].sort((a, b) => a - b), [16, 32, 48, 64, 80, 96, 112, 128]);
});

test('qrandint with q = 1 includes upper and draws each value about equally', () => {
  const xs = draw({ qrandint: [1, 4] });
  for (const value of [1, 2, 3, 4]) {
    const share = xs.filter((x) => x === value).length / xs.length;
    assert.ok(Math.abs(share - 0.25) < 0.02, `${value}: ${share}`);
  }
});

test('qrandint keeps to the multiples of q inside bounds that are not multiples themselves', () => {
  const xs = draw({ qrandint: [3, 22, 5] });
  assert.deepEqual([...new Set(xs)].sort((a, b) => a - b), [5, 10, 15, 20]);
});

test('lograndint returns whole numbers below upper, favouring small ones', () => {
  const xs = draw({ lograndint: [1, 1000] });
  assert.ok(xs.every((x) => Number.isInteger(x) && x >= 1 && x < 1000));
  const m = median(xs);
  assert.ok(m > 20 && m < 45, `median ${m}`);
});

test('qlograndint returns multiples of q and can return upper', () => {
  const xs = draw({ qlograndint: [8, 64, 8] });
  assert.ok(xs.every((x) => Number.isInteger(x) && x >= 8 && x <= 64 && x % 8 === 0));
  assert.ok(xs.includes(64) && xs.includes(8));
});

test('randn has roughly the requested mean and sd, and defaults to the standard normal', () => {
  const xs = draw({ randn: [5, 3] });
  const m = mean(xs);
  const sd = Math.sqrt(mean(xs.map((x) => (x - m) ** 2)));
  assert.ok(Math.abs(m - 5) < 0.1 && Math.abs(sd - 3) < 0.1, `mean ${m} sd ${sd}`);
  const standard = draw({ randn: [] });
  assert.ok(Math.abs(mean(standard)) < 0.05);
});

test('qrandn returns multiples of q around the mean', () => {
  const xs = draw({ qrandn: [0, 1, 0.25] });
  assert.ok(xs.every((x) => isStep(x, 0.25)));
  assert.ok(!xs.some((x) => Object.is(x, -0)), 'no negative zero leaks into configs');
  assert.ok(Math.abs(mean(xs)) < 0.05);
});

test('choice returns each option about equally, objects included', () => {
  const options = ['adam', 'sgd', { name: 'lamb', beta: 0.9 }];
  const domain = parseDomain({ choice: options }) as SampledDomain;
  const rng = createRng(9);
  const picks = Array.from({ length: 9000 }, () => sampleDomain(domain, rng));
  for (const option of options) {
    const share = picks.filter((p) => p === option).length / picks.length;
    assert.ok(Math.abs(share - 1 / 3) < 0.03, `${JSON.stringify(option)}: ${share}`);
  }
});

test('integer domains report int values and real domains report float', () => {
  assert.equal(valueKind(parseDomain({ qrandint: [1, 10, 2] })!), 'int');
  assert.equal(valueKind(parseDomain({ lograndint: [1, 10] })!), 'int');
  assert.equal(valueKind(parseDomain({ quniform: [1, 10, 1] })!), 'float');
  assert.equal(valueKind(parseDomain({ choice: [1, 'a'] })!), 'any');
});
