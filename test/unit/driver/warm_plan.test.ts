import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setAfterFork, warmKey, warmParentEnv, warmTarget } from '../../../runtime/driver/warm_plan';

describe('which workers a warm parent can fork', () => {
  it('runs python script.py and python -m module, with argv as the script sees it', () => {
    assert.deepEqual(warmTarget(['/usr/bin/python3', 'train.py', '--lr', '0.1']), { target: 'train.py', module: null, argv: ['train.py', '--lr', '0.1'] });
    assert.deepEqual(warmTarget(['/venv/bin/python3.11', '-u', 'train.py']), { target: 'train.py', module: null, argv: ['train.py'] });
    assert.deepEqual(warmTarget(['/usr/bin/python', '-m', 'pkg.train', 'x']), { target: null, module: 'pkg.train', argv: ['pkg.train', 'x'] });
  });

  it('starts cold for interpreter options it cannot reproduce in a fork, and for non-Python commands', () => {
    assert.match((warmTarget(['/usr/bin/python3', '-O', 'train.py']) as { cold: string }).cold, /not `python3 -O train.py`/);
    assert.match((warmTarget(['/usr/bin/python3', '-c', 'pass']) as { cold: string }).cold, /python script.py/);
    assert.match((warmTarget(['/usr/bin/node', 'train.js']) as { cold: string }).cold, /not a Python interpreter/);
    assert.ok('cold' in warmTarget(['/usr/bin/python3']));
  });
});

describe("a warm parent's environment", () => {
  const worker = {
    PATH: '/usr/bin',
    OMP_NUM_THREADS: '2',
    MKL_NUM_THREADS: '2',
    PYTHONPATH: '/client',
    RANK: '1',
    MASTER_PORT: '4000',
    CUDA_VISIBLE_DEVICES: '3',
    TUNEKIT_CONFIG: '{}',
  };

  it('holds what libraries read at import (thread counts, PYTHONPATH), never the per-worker variables', () => {
    const env = warmParentEnv(worker);
    assert.equal(env.OMP_NUM_THREADS, '2');
    assert.equal(env.MKL_NUM_THREADS, '2');
    assert.equal(env.PYTHONPATH, '/client');
    assert.equal(env.RANK, undefined);
    assert.equal(env.MASTER_PORT, undefined);
    assert.equal(env.TUNEKIT_CONFIG, undefined);
    assert.equal(env.CUDA_VISIBLE_DEVICES, '', 'a warm parent sees no GPU, so it cannot create a CUDA context');
    assert.equal(Object.keys(env).pop(), 'TUNEKIT_WARM_ENV_ROOM', 'the room for each worker’s variables ends the environment block');
  });

  it('sets only rank, rendezvous, device and trial variables after the fork', () => {
    for (const name of ['RANK', 'LOCAL_RANK', 'WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT', 'CUDA_VISIBLE_DEVICES', 'TUNEKIT_TRIAL_ID']) assert.ok(setAfterFork(name), name);
    for (const name of ['OMP_NUM_THREADS', 'MKL_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'PYTHONPATH', 'LD_LIBRARY_PATH', 'PYTHONHASHSEED']) assert.ok(!setAfterFork(name), name);
  });

  it('needs another warm parent when a thread count differs, but not when only the rank or trial does', () => {
    const key = (env: Record<string, string>) => warmKey(['/usr/bin/python3', 'train.py'], '/w', null, warmParentEnv(env));
    assert.equal(key(worker), key({ ...worker, RANK: '0', TUNEKIT_CONFIG: '{"lr":1}', CUDA_VISIBLE_DEVICES: '0' }));
    assert.notEqual(key(worker), key({ ...worker, OMP_NUM_THREADS: '4' }));
    assert.notEqual(key(worker), warmKey(['/usr/bin/python3', 'train.py'], '/w', ['torch'], warmParentEnv(worker)));
  });
});
