import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ParamSpaceError,
  formatPath,
  parseDomain,
  validateParamSpace,
  type ParamSpaceProblem,
} from '../../../runtime/search/space';

/** The problems for `lr` set to `node` under train_loop_config. */
function problemsFor(node: unknown): ParamSpaceProblem[] {
  return validateParamSpace({ train_loop_config: { lr: node } });
}

function onlyProblem(node: unknown): ParamSpaceProblem {
  const problems = problemsFor(node);
  assert.equal(problems.length, 1, JSON.stringify(problems));
  return problems[0];
}

const LR = ['train_loop_config', 'lr'];

test('a space of constants and well-formed primitives has no problems', () => {
  const space = {
    train_loop_config: {
      lr: { loguniform: [1e-5, 1e-1] },
      momentum: { quniform: [0.5, 0.95, 0.05] },
      batch_size: { qrandint: [16, 256, 16] },
      layers: { grid_search: [[64, 64], [128]] },
      optimizer: { choice: ['adam', { name: 'sgd', nesterov: true }] },
      noise: { randn: [] },
      hidden: { lograndint: [8, 1024, 2] },
      widths: [1, 2, 3],
      schedule: { warmup: 10, decay: { qrandn: [0, 1, 0.5] } },
      note: null,
    },
    scaling_config: { num_workers: { choice: [2, 4] } },
  };
  assert.deepEqual(validateParamSpace(space), []);
});

test('a missing param_space has no problems, but a list is refused at the root', () => {
  assert.deepEqual(validateParamSpace(undefined), []);
  const [problem] = validateParamSpace([1, 2]);
  assert.deepEqual(problem.path, []);
  assert.match(problem.message, /must be a mapping/);
});

test('loguniform with a zero lower bound points at that argument and suggests a positive one', () => {
  const problem = onlyProblem({ loguniform: [0, 0.1] });
  assert.deepEqual(problem.path, [...LR, 'loguniform', 0]);
  assert.equal(problem.message, 'loguniform needs 0 < lower < upper; got lower = 0 — use a positive lower bound such as 1e-5');
});

test('bounds in the wrong order point at the primitive and say to swap them', () => {
  for (const name of ['uniform', 'loguniform', 'randint', 'lograndint']) {
    const problem = onlyProblem({ [name]: [10, 2] });
    assert.deepEqual(problem.path, [...LR, name]);
    assert.match(problem.message, /lower < upper.*swap them/);
  }
});

test('randint with equal bounds says upper is never drawn', () => {
  assert.match(onlyProblem({ randint: [3, 3] }).message, /never drawn.*raise upper to 4/);
});

test('a wrong number of arguments is reported with an example', () => {
  const tooFew = onlyProblem({ uniform: [1] });
  assert.deepEqual(tooFew.path, [...LR, 'uniform']);
  assert.match(tooFew.message, /uniform takes 2 arguments \[lower, upper\]; got 1 — write e.g. \{uniform: \[0, 1\]\}/);
  assert.match(onlyProblem({ loguniform: [1, 2, 3, 4] }).message, /takes 2 to 3 arguments/);
  assert.match(onlyProblem({ qrandn: [0, 1] }).message, /takes 3 arguments \[mean, sd, q\]/);
  assert.match(onlyProblem({ quniform: [0, 1] }).message, /takes 3 arguments/);
});

test('arguments that are not a list are refused', () => {
  const problem = onlyProblem({ uniform: 3 });
  assert.deepEqual(problem.path, [...LR, 'uniform']);
  assert.match(problem.message, /takes a list of arguments/);
  assert.match(onlyProblem({ choice: 'adam' }).message, /choice needs a list of options; got the string "adam"/);
});

test('a quoted number points at the argument and says to remove the quotes', () => {
  const problem = onlyProblem({ loguniform: ['1e-4', 0.1] });
  assert.deepEqual(problem.path, [...LR, 'loguniform', 0]);
  assert.match(problem.message, /remove the quotes/);
});

test('every bad argument is reported, not just the first', () => {
  const problems = problemsFor({ uniform: ['a', null] });
  assert.deepEqual(problems.map((p) => p.path), [[...LR, 'uniform', 0], [...LR, 'uniform', 1]]);
});

test('infinite bounds are refused', () => {
  assert.match(onlyProblem({ uniform: [0, Infinity] }).message, /must be finite/);
});

test('integer domains refuse fractional bounds and steps and suggest the real-valued primitive', () => {
  const problem = onlyProblem({ qrandint: [1, 10, 0.5] });
  assert.deepEqual(problem.path, [...LR, 'qrandint', 2]);
  assert.match(problem.message, /whole number; got 0.5 — round it, or use quniform/);
  assert.deepEqual(onlyProblem({ randint: [1.5, 4] }).path, [...LR, 'randint', 0]);
});

test('a q of zero or below points at q', () => {
  for (const [name, args, index] of [
    ['quniform', [0, 1, 0], 2],
    ['qloguniform', [1, 10, -1], 2],
    ['qrandint', [0, 10, 0], 2],
    ['qlograndint', [1, 10, -2], 2],
    ['qrandn', [0, 1, 0], 2],
  ] as const) {
    const problem = onlyProblem({ [name]: args });
    assert.deepEqual(problem.path, [...LR, name, index]);
    assert.match(problem.message, /needs q > 0/);
  }
});

test('float bounds that are not multiples of q are refused, as Ray does, with the nearest multiples', () => {
  const problem = onlyProblem({ quniform: [0.15, 1, 0.1] });
  assert.deepEqual(problem.path, [...LR, 'quniform', 0]);
  assert.match(problem.message, /lower to be a multiple of q; got lower = 0.15, q = 0.1 — use 0.1 or 0.2/);
  assert.deepEqual(onlyProblem({ qloguniform: [1e-4, 0.00105, 1e-4] }).path, [...LR, 'qloguniform', 1]);
  assert.deepEqual(problemsFor({ quniform: [0.3, 0.7, 0.1] }), [], 'binary noise in 0.3 / 0.1 is tolerated');
});

test('integer quantized domains need at least one multiple of q inside the bounds', () => {
  const problem = onlyProblem({ qrandint: [1, 4, 5] });
  assert.deepEqual(problem.path, [...LR, 'qrandint']);
  assert.match(problem.message, /no multiple of q = 5 between 1 and 4/);
});

test('log domains refuse non-positive bounds and a base of 1', () => {
  assert.deepEqual(onlyProblem({ lograndint: [0, 10] }).path, [...LR, 'lograndint', 0]);
  assert.deepEqual(onlyProblem({ qloguniform: [-1, 10, 1] }).path, [...LR, 'qloguniform', 0]);
  const base = onlyProblem({ loguniform: [1, 10, 1] });
  assert.deepEqual(base.path, [...LR, 'loguniform', 2]);
  assert.match(base.message, /leave it out/);
});

test('randn refuses a standard deviation of zero', () => {
  const problem = onlyProblem({ randn: [0, 0] });
  assert.deepEqual(problem.path, [...LR, 'randn', 1]);
  assert.match(problem.message, /sd > 0/);
});

test('empty choice and grid_search lists are refused', () => {
  for (const name of ['choice', 'grid_search']) {
    const problem = onlyProblem({ [name]: [] });
    assert.deepEqual(problem.path, [...LR, name]);
    assert.match(problem.message, /at least one option/);
  }
});

test('a grid_search inside a list is reported as not expanded', () => {
  const problems = validateParamSpace({ train_loop_config: { layers: [64, { grid_search: [32, 64] }] } });
  assert.equal(problems.length, 1);
  assert.deepEqual(problems[0].path, ['train_loop_config', 'layers', 1]);
  assert.match(problems[0].message, /grid_search inside a list is not expanded/);
});

test('a primitive nested in a mapping inside a list is found too', () => {
  const problems = validateParamSpace({ train_loop_config: { stages: [{ lr: { uniform: [0, 1] } }] } });
  assert.deepEqual(problems.map((p) => p.path), [['train_loop_config', 'stages', 0, 'lr']]);
});

test('a primitive among the options of a choice is reported as not sampled', () => {
  const problems = problemsFor({ choice: [0.1, { uniform: [0, 1] }] });
  assert.deepEqual(problems.map((p) => p.path), [[...LR, 'choice', 1]]);
  assert.match(problems[0].message, /inside the options of choice/);
});

test('a primitive name beside other keys in one mapping is reported', () => {
  const problems = problemsFor({ loguniform: [1e-4, 1e-2], default: 1e-3 });
  assert.deepEqual(problems.map((p) => p.path), [LR]);
  assert.match(problems[0].message, /loguniform must be the only key of its mapping, but default sits beside it/);
});

test('a key that merely shares a primitive name but holds no list is a plain constant', () => {
  assert.deepEqual(problemsFor({ choice: 'adam', momentum: 0.9 }), []);
});

test('param_space itself cannot be a primitive', () => {
  const [problem] = validateParamSpace({ grid_search: [1, 2] });
  assert.deepEqual(problem.path, []);
});

test('parseDomain reads primitives, ignores constants and throws on malformed ones', () => {
  assert.deepEqual(parseDomain({ loguniform: [1e-4, 1e-1] }), { kind: 'loguniform', lower: 1e-4, upper: 1e-1, base: 10 });
  assert.deepEqual(parseDomain({ qrandint: [1, 9] }), { kind: 'qrandint', lower: 1, upper: 9, q: 1 });
  assert.deepEqual(parseDomain({ randn: [2] }), { kind: 'randn', mean: 2, sd: 1 });
  assert.equal(parseDomain(0.1), undefined);
  assert.equal(parseDomain({ lr: 0.1 }), undefined);
  assert.equal(parseDomain([{ choice: [1] }]), undefined);
  assert.throws(() => parseDomain({ uniform: [2, 1] }), ParamSpaceError);
});

test('a ParamSpaceError message lists every problem with a readable path', () => {
  const error = new ParamSpaceError(validateParamSpace({ train_loop_config: { lr: { uniform: ['a', 'b'] } } }));
  assert.equal(error.problems.length, 2);
  assert.match(error.message, /^train_loop_config\.lr\.uniform\[0\]: .*\ntrain_loop_config\.lr\.uniform\[1\]: /);
  assert.equal(formatPath([]), 'param_space');
});
