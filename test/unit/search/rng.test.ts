import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng, hashString } from '../../../runtime/search/rng';

const take = (count: number, draw: () => number) => Array.from({ length: count }, draw);

test('the same seed and streams give the same sequence', () => {
  const a = createRng(7, 3, 11);
  const b = createRng(7, 3, 11);
  assert.deepEqual(take(100, () => a.next()), take(100, () => b.next()));
});

test('a different seed or a different stream gives a different sequence', () => {
  const firstEight = (...words: number[]) => {
    const rng = createRng(words[0], ...words.slice(1));
    return take(8, () => rng.nextUint32());
  };
  assert.notDeepEqual(firstEight(8, 3), firstEight(7, 3));
  assert.notDeepEqual(firstEight(7, 4), firstEight(7, 3));
  assert.notDeepEqual(firstEight(7, 3, 0), firstEight(7, 3));
});

test('seeds beyond 32 bits, negative and fractional seeds are all told apart', () => {
  const firstOf = (seed: number) => createRng(seed).nextUint32();
  const seeds = [0, 1, -1, 2 ** 32, 2 ** 32 + 1, 2 ** 53 - 1, 0.5];
  assert.equal(new Set(seeds.map(firstOf)).size, seeds.length);
  assert.equal(firstOf(-0), firstOf(0));
});

test('the sequence for a given seed is pinned, so a saved experiment replays the same configs', () => {
  const rng = createRng(42, 0, hashString('train_loop_config/lr'));
  assert.equal(hashString('train_loop_config/lr'), 2044420051);
  assert.deepEqual(take(3, () => rng.nextUint32()), [3805676710, 1316129202, 2465651114]);
  assert.equal(rng.next(), 0.6782005095434863);
});

test('next() stays in [0, 1) with a mean near one half', () => {
  const rng = createRng(1);
  const draws = take(20_000, () => rng.next());
  assert.ok(draws.every((x) => x >= 0 && x < 1));
  const mean = draws.reduce((s, x) => s + x, 0) / draws.length;
  assert.ok(Math.abs(mean - 0.5) < 0.01, `mean ${mean}`);
});

test('int() draws every integer of the range about equally and never the upper bound', () => {
  const rng = createRng(2);
  const counts = new Array(7).fill(0);
  for (let i = 0; i < 70_000; i++) counts[rng.int(-3, 4) + 3]++;
  for (const count of counts) assert.ok(Math.abs(count - 10_000) < 400, `counts ${counts}`);
});

test('int() handles spans wider than 32 bits', () => {
  const rng = createRng(3);
  const draws = take(1000, () => rng.int(0, 2 ** 40));
  assert.ok(draws.every((x) => Number.isInteger(x) && x >= 0 && x < 2 ** 40));
  assert.ok(draws.some((x) => x > 2 ** 39));
});

test('int() refuses an empty or fractional range', () => {
  const rng = createRng(4);
  assert.throws(() => rng.int(3, 3), RangeError);
  assert.throws(() => rng.int(0, 2.5), RangeError);
});

test('normal() has roughly the requested mean and standard deviation', () => {
  const rng = createRng(5);
  const draws = take(20_000, () => rng.normal(10, 2));
  const mean = draws.reduce((s, x) => s + x, 0) / draws.length;
  const sd = Math.sqrt(draws.reduce((s, x) => s + (x - mean) ** 2, 0) / draws.length);
  assert.ok(Math.abs(mean - 10) < 0.06, `mean ${mean}`);
  assert.ok(Math.abs(sd - 2) < 0.06, `sd ${sd}`);
});
