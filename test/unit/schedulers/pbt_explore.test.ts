import assert from 'node:assert/strict';
import { test } from 'node:test';
import { explore, parseMutations } from '../../../runtime/schedulers/pbt_explore';
import { createRng, type Rng } from '../../../runtime/search/rng';

/** An Rng whose draws are given in advance: next() values and int() offsets, in call order. */
function scripted(draws: { next?: number[]; int?: number[] }): Rng {
  const next = [...(draws.next ?? [])];
  const ints = [...(draws.int ?? [])];
  const take = <T>(queue: T[], what: string): T => {
    if (queue.length === 0) throw new Error(`unexpected ${what} draw`);
    return queue.shift()!;
  };
  return {
    next: () => take(next, 'next()'),
    nextUint32: () => Math.floor(take(next, 'nextUint32()') * 2 ** 32),
    int: (lower) => lower + take(ints, 'int()'),
    uniform: (lower, upper) => lower + (upper - lower) * take(next, 'uniform()'),
    normal: () => take(next, 'normal()'),
  };
}

const SETTINGS = { resampleProbability: 0.25, perturbationFactors: [1.2, 0.8] };

test('a list value past the resample coin shifts one place: right at the end of the list is a noop', () => {
  const mutations = parseMutations({ batch_size: [16, 32, 64] });
  const right = explore({ batch_size: 64 }, mutations, SETTINGS, scripted({ next: [0.9], int: [1] }));
  assert.deepEqual(right, { config: { batch_size: 64 }, operations: { batch_size: 'shift right (noop)' } });
  const left = explore({ batch_size: 64 }, mutations, SETTINGS, scripted({ next: [0.9], int: [0] }));
  assert.deepEqual(left, { config: { batch_size: 32 }, operations: { batch_size: 'shift left' } });
});

test('a list value is resampled when the coin falls under resample_probability, or when it is not in the list', () => {
  const mutations = parseMutations({ batch_size: [16, 32, 64] });
  assert.deepEqual(explore({ batch_size: 32 }, mutations, SETTINGS, scripted({ next: [0.1], int: [2] })).config, { batch_size: 64 });
  const stray = explore({ batch_size: 48 }, mutations, SETTINGS, scripted({ next: [0.9], int: [0] }));
  assert.deepEqual(stray, { config: { batch_size: 16 }, operations: { batch_size: 'resample' } });
});

test('a numeric primitive is multiplied by a perturbation factor, and an integer one stays an integer', () => {
  const mutations = parseMutations({ lr: { loguniform: [1e-4, 1e-1] }, layers: { randint: [1, 8] } });
  const result = explore({ lr: 0.01, layers: 4 }, mutations, SETTINGS, scripted({ next: [0.9, 0.9], int: [0, 1] }));
  assert.deepEqual(result.operations, { lr: '* 1.2', layers: '* 0.8' });
  assert.equal(result.config.lr, 0.01 * 1.2);
  assert.equal(result.config.layers, 3);
});

test('a choice of numbers is treated as continuous, as in Ray, with integers truncated', () => {
  const mutations = parseMutations({ width: { choice: [16, 32] } });
  assert.deepEqual(explore({ width: 32 }, mutations, SETTINGS, scripted({ next: [0.9], int: [0] })).config, { width: 38 });
});

test('a resampled primitive draws from its distribution; a non-numeric or missing value is always resampled', () => {
  const mutations = parseMutations({ momentum: { uniform: [0, 1] }, optimizer: { choice: ['adam', 'sgd'] } });
  const result = explore({ optimizer: 'adam' }, mutations, SETTINGS, scripted({ next: [0.9, 0.5, 0.9], int: [1] }));
  assert.deepEqual(result, { config: { optimizer: 'sgd', momentum: 0.5 }, operations: { momentum: 'resample', optimizer: 'resample' } });
});

test('nested mutations follow param_space and leave unmutated keys as the donor had them', () => {
  const mutations = parseMutations({ train_loop_config: { lr: { uniform: [0, 1] } } });
  const donor = { train_loop_config: { lr: 0.5, epochs: 10 }, scaling_config: { num_workers: 2 } };
  const result = explore(donor, mutations, SETTINGS, scripted({ next: [0.9], int: [1] }));
  assert.deepEqual(result.config, { train_loop_config: { lr: 0.4, epochs: 10 }, scaling_config: { num_workers: 2 } });
  assert.deepEqual(result.operations, { train_loop_config: { lr: '* 0.8' } });
  assert.equal(donor.train_loop_config.lr, 0.5);
});

test('over many draws, list values stay in the list and integer values stay integers', () => {
  const mutations = parseMutations({ b: [16, 32, 64], n: { qrandint: [2, 64, 2] }, lr: { loguniform: [1e-4, 1e-1] } });
  for (let seed = 0; seed < 300; seed++) {
    const { config } = explore({ b: 32, n: 8, lr: 0.001 }, mutations, SETTINGS, createRng(seed));
    assert.ok([16, 32, 64].includes(config.b as number), `b = ${String(config.b)}`);
    assert.ok(Number.isInteger(config.n), `n = ${String(config.n)}`);
    const lr = config.lr as number;
    assert.ok(lr === 0.001 * 1.2 || lr === 0.001 * 0.8 || (lr >= 1e-4 && lr <= 1e-1), `lr = ${lr}`);
  }
});

test('mutations that cannot be explored are refused with the path to fix', () => {
  assert.throws(() => parseMutations({ a: { grid_search: [1, 2] } }), /hyperparam_mutations\.a cannot be a grid_search; write the values as a list/);
  assert.throws(() => parseMutations({ a: 3 }), /hyperparam_mutations\.a must be a list of values, a search primitive/);
  assert.throws(() => parseMutations({ a: [] }), /hyperparam_mutations\.a is an empty list/);
  assert.throws(() => parseMutations({ t: { lr: { loguniform: [1] } } }), /hyperparam_mutations\.t\.lr: .*loguniform takes 2 to 3 arguments/);
});
