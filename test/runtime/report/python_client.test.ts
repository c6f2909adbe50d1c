import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pythonClientDir, runPython, startHarness, steadyPythonWorker } from './report_harness';

const TIMEOUT = { timeout: 15_000 };

test('a Python worker reports 100 results that arrive in order, each acked before the next is sent', TIMEOUT, async () => {
  let inHandler = 0;
  const h = await startHarness({
    onReport: async (r) => {
      assert.equal(++inHandler, 1, 'a second report arrived before the first was acked');
      await new Promise((resolve) => setImmediate(resolve));
      inHandler--;
      return { checkpoint_dir_name: `checkpoint_${String(r.seq).padStart(6, '0')}` };
    },
  });
  try {
    const script = `
import tunekit
for step in range(1, 101):
    name = tunekit.report({"step": step, "loss": 1.0 / step})
    assert name == "checkpoint_%06d" % step, name
print("ok")
`;
    const result = await runPython(script, h.workerEnv(2));
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(h.reports.map((r) => r.seq), Array.from({ length: 100 }, (_, i) => i + 1));
    assert.deepEqual(h.reports[99], { rank: 2, seq: 100, metrics: { step: 100, loss: 0.01 }, checkpoint: null });
    assert.match(h.events[0], /^connect 2 \d+$/);
  } finally {
    await h.close();
  }
});

test('a checkpoint directory reaches the handler before report returns, so the worker may delete it', TIMEOUT, async () => {
  const copied: string[] = [];
  const h = await startHarness({
    onReport: async (r) => {
      assert.ok(r.checkpoint);
      await new Promise((resolve) => setTimeout(resolve, 20)); // an early ack would let the worker delete it now
      copied.push(readFileSync(join(r.checkpoint, 'model.txt'), 'utf8'));
      return { checkpoint_dir_name: `checkpoint_00000${r.seq - 1}` };
    },
  });
  try {
    const script = `
import os, shutil, tempfile, tunekit

class RayLike:
    def __init__(self, path):
        self.path = path

for i, wrap in enumerate([lambda d: d, tunekit.Checkpoint.from_directory, RayLike]):
    d = tempfile.mkdtemp()
    with open(os.path.join(d, "model.txt"), "w") as f:
        f.write("weights %d" % i)
    print(tunekit.report({"i": i}, checkpoint=wrap(d)))
    shutil.rmtree(d)
`;
    const result = await runPython(script, h.workerEnv(0));
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.stdout.trim().split('\n'), ['checkpoint_000000', 'checkpoint_000001', 'checkpoint_000002']);
    assert.deepEqual(copied, ['weights 0', 'weights 1', 'weights 2']);
    assert.ok(h.reports.every((r) => r.checkpoint?.startsWith('/')));
  } finally {
    await h.close();
  }
});

test('a handler rejection raises ReportError in the Python worker, which can go on reporting', TIMEOUT, async () => {
  const h = await startHarness({
    onReport: async (r) => {
      if (r.seq === 2) throw new Error('disk full while saving the result');
      return { checkpoint_dir_name: null };
    },
  });
  try {
    const script = `
import tunekit
tunekit.report({"a": 1})
try:
    tunekit.report({"a": 2})
except tunekit.ReportError as err:
    print("ReportError:", err)
tunekit.report({"a": 3})
`;
    const result = await runPython(script, h.workerEnv(0));
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^ReportError: .*disk full while saving the result/);
    assert.deepEqual(h.reports.map((r) => r.metrics.a), [1, 2, 3]);
  } finally {
    await h.close();
  }
});

test('non-finite floats and numpy-like values arrive in their documented spellings', TIMEOUT, async () => {
  const h = await startHarness();
  try {
    const script = `
import tunekit

class Scalar:
    def __init__(self, v): self.v = v
    def item(self): return self.v

class Array:
    def tolist(self): return [1.5, float("inf"), Scalar(2)]

tunekit.report({"nan": float("nan"), "inf": float("inf"), "ninf": -float("inf"),
                "scalar": Scalar(0.25), "array": Array(), "nested": {"t": (1, None, True)}, "text": "NaN"})
try:
    tunekit.report({"bad": object()})
except TypeError as err:
    print("TypeError:", err)
try:
    tunekit.report({1: 2})
except TypeError as err:
    print("TypeError:", err)
try:
    tunekit.report({"huge": [1, 10 ** 400]})
except ValueError as err:
    print("ValueError:", err)
`;
    const result = await runPython(script, h.workerEnv(0));
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(h.reports.length, 1);
    assert.deepEqual(h.reports[0].metrics, {
      nan: 'NaN',
      inf: 'Infinity',
      ninf: '-Infinity',
      scalar: 0.25,
      array: [1.5, 'Infinity', 2],
      nested: { t: [1, null, true] },
      text: 'NaN',
    });
    assert.match(result.stdout, /TypeError: metrics\['bad'\] is a object/);
    assert.match(result.stdout, /TypeError: metrics has a key 1 that is not a string/);
    assert.match(result.stdout, /ValueError: metrics\['huge'\]\[1\] is an integer too large for a 64-bit float/);
  } finally {
    await h.close();
  }
});

test('a child forked from a worker may not report on its parent\'s connection, and the parent goes on reporting', TIMEOUT, async () => {
  const h = await startHarness({});
  try {
    const script = `
import os, tunekit
tunekit.report({"step": 1})
pid = os.fork()
if pid == 0:
    try:
        tunekit.report({"step": 99})
        os._exit(3)
    except tunekit.ReportError as err:
        print("child:", err, flush=True)
        os._exit(0)
_, status = os.waitpid(pid, 0)
assert os.waitstatus_to_exitcode(status) == 0, status
tunekit.report({"step": 2})
print("parent ok")
`;
    const result = await runPython(script, h.workerEnv(0));
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /child: tunekit.report\(\) was called in a forked child process/);
    assert.match(result.stdout, /parent ok/);
    assert.deepEqual(h.reports.map((r) => r.metrics), [{ step: 1 }, { step: 2 }]);
  } finally {
    await h.close();
  }
});

test('outside Tunekit, report prints the metrics and there is no checkpoint, config or peers', TIMEOUT, async () => {
  const script = `
import tunekit
tunekit.report({"loss": float("nan"), "step": 1})
ctx = tunekit.get_context()
print(tunekit.get_checkpoint(), tunekit.get_config(), ctx.get_world_rank(), ctx.get_world_size(), ctx.get_trial_id())
`;
  const result = await runPython(script, {});
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, '[tunekit] report {"loss":"NaN","step":1}\nNone {} 0 1 None\n');
});

test('config, checkpoint and context come from the environment the driver sets', TIMEOUT, async () => {
  const script = `
import os, tunekit
ck = tunekit.get_checkpoint()
ctx = tunekit.get_context()
with ck.as_directory() as d:
    assert d == ck.path == ck == os.fspath(ck)
print(isinstance(ck, str), ck.path, tunekit.get_config()["lr"])
print(ctx.get_world_rank(), ctx.get_local_rank(), ctx.get_world_size(), ctx.get_local_world_size())
print(ctx.get_trial_id(), ctx.get_trial_name(), ctx.get_experiment_path(), ctx.get_trial_dir())
`;
  const result = await runPython(script, {
    TUNEKIT_CHECKPOINT: '/exp/t1/checkpoint_000002',
    TUNEKIT_CONFIG: '{"lr": 0.001, "layers": [64, 64]}',
    RANK: '3',
    LOCAL_RANK: '1',
    WORLD_SIZE: '4',
    LOCAL_WORLD_SIZE: '2',
    TUNEKIT_TRIAL_ID: 'a1b2c3d4_00001',
    TUNEKIT_TRIAL_NAME: 'train_a1b2c3d4_00001',
    TUNEKIT_EXPERIMENT_PATH: '/exp',
    TUNEKIT_TRIAL_DIR: '/exp/t1',
  });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(
    result.stdout,
    'True /exp/t1/checkpoint_000002 0.001\n3 1 4 2\na1b2c3d4_00001 train_a1b2c3d4_00001 /exp /exp/t1\n',
  );
});

test('a Python worker waiting for an ack when the driver goes away raises ConnectionLost', TIMEOUT, async () => {
  const h = await startHarness({
    onReport: async (r) => {
      if (r.seq === 1) return { checkpoint_dir_name: null };
      void h.server.close();
      return new Promise<never>(() => {}); // the driver is gone before it can answer
    },
  });
  try {
    const script = `
import sys, tunekit
tunekit.report({"a": 1})
try:
    tunekit.report({"a": 2})
except tunekit.ConnectionLost as err:
    print("ConnectionLost:", err)
try:
    tunekit.report({"a": 3})
except tunekit.ConnectionLost as err:
    print("still lost")
    sys.exit(3)
`;
    const result = await runPython(script, h.workerEnv(0));
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stdout, /^ConnectionLost: lost the connection to the Tunekit trainer .*should stop\nstill lost\n$/);
    assert.deepEqual(h.reports.map((r) => r.seq), [1, 2]);
  } finally {
    await h.close();
  }
});

test('a worker with the wrong token is refused with a clear ReportError', TIMEOUT, async () => {
  const h = await startHarness();
  try {
    const script = `
import tunekit
try:
    tunekit.report({"a": 1})
except tunekit.ReportError as err:
    print(type(err).__name__, err)
`;
    const result = await runPython(script, { ...h.workerEnv(0), TUNEKIT_REPORT_TOKEN: 'f'.repeat(64) });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /refused this worker: wrong token/);
    assert.equal(h.reports.length, 0);
    assert.deepEqual(h.events, []);
  } finally {
    await h.close();
  }
});

test('the Python client parses as Python 3.8 and uses only the standard library', TIMEOUT, async () => {
  const files = readdirSync(join(pythonClientDir, 'tunekit'));
  // The client itself, the warm parent that forks workers (runtime/driver/warm_parent.ts), and what a forked worker tells it.
  assert.deepEqual(files.filter((f) => f.endsWith('.py')).sort(), ['__init__.py', '_warm_learn.py', '_warm_parent.py']);
  const script = `
import ast, sys
tree = ast.parse(open(sys.argv[1]).read(), feature_version=(3, 8))
imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
imported |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
print(sorted(m for m in imported if m not in sys.stdlib_module_names))
`;
  for (const file of ['__init__.py', '_warm_learn.py', '_warm_parent.py']) {
    const result = await runPython(script, {}, [join(pythonClientDir, 'tunekit', file)]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), '[]', file);
  }
});

test('two Python workers of one trial report side by side, each under its own rank', TIMEOUT, async () => {
  const h = await startHarness();
  try {
    const [a, b] = await Promise.all([
      runPython(steadyPythonWorker, h.workerEnv(0), ['30']),
      runPython(steadyPythonWorker, h.workerEnv(1), ['30']),
    ]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    for (const rank of [0, 1]) {
      assert.deepEqual(
        h.reports.filter((r) => r.rank === rank).map((r) => r.seq),
        Array.from({ length: 30 }, (_, i) => i + 1),
      );
    }
  } finally {
    await h.close();
  }
});
