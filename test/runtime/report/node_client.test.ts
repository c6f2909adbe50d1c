import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeClientModule, runWorker, startHarness } from './report_harness';

const TIMEOUT = { timeout: 15_000 };

/** Runs `body` in a fresh Node process, with the compiled client required as `tk` (CommonJS). */
const runNode = (body: string, env: Record<string, string>) =>
  runWorker([process.execPath, '-e', `const tk = require(${JSON.stringify(nodeClientModule)});\n(async () => {\n${body}\n})().catch((e) => { process.stderr.write(String(e.stack)); process.exit(9); });`], env);

test('a Node worker reports in order, spells non-finite floats out, refuses a bigint beyond a double, passes a checkpoint and exits on its own', TIMEOUT, async () => {
  const h = await startHarness({
    onReport: async (r) => {
      if (r.metrics.fail) throw new Error('no space left for this result');
      return { checkpoint_dir_name: r.checkpoint ? 'checkpoint_000000' : null };
    },
  });
  try {
    const body = `
const fs = require('node:fs'), os = require('node:os'), path = require('node:path');
for (let step = 1; step <= 50; step++) await tk.report({ step, loss: step === 3 ? NaN : 1 / step });
await Promise.all([tk.report({ c: 1 }), tk.report({ c: 2 }), tk.report({ c: 3 })]);
await tk.report({ inf: [Infinity, -Infinity], typed: new Float32Array([0.5, Infinity]), big: 7n });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tk-ck-'));
const name = await tk.report({ saved: true }, { checkpoint: { path: dir } });
fs.rmSync(dir, { recursive: true });
try { await tk.report({ fail: true }); } catch (e) { process.stdout.write(e.name + ': ' + e.message + '\\n'); }
try { await tk.report({ huge: 10n ** 400n }); } catch (e) { process.stdout.write(e.name + ': ' + e.message + '\\n'); }
process.stdout.write(name + '\\n');
`;
    const result = await runNode(body, h.workerEnv(1));
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      result.stdout,
      'ReportError: Tunekit did not record the report: no space left for this result\n' +
        'RangeError: a bigint metric (401 digits) is too large for a 64-bit float\ncheckpoint_000000\n',
    );
    assert.deepEqual(h.reports.map((r) => r.seq), Array.from({ length: 56 }, (_, i) => i + 1));
    assert.ok(h.reports.every((r) => r.rank === 1));
    assert.equal(h.reports[2].metrics.loss, 'NaN');
    assert.deepEqual(h.reports.slice(50, 53).map((r) => r.metrics.c), [1, 2, 3]);
    assert.deepEqual(h.reports[53].metrics, { inf: ['Infinity', '-Infinity'], typed: [0.5, 'Infinity'], big: 7 });
    assert.match(String(h.reports[54].checkpoint), /^\/.*tk-ck-/);
  } finally {
    await h.close();
  }
});

test('outside Tunekit, the Node client prints the metrics and there is no checkpoint, config or peers', TIMEOUT, async () => {
  const body = `
const name = await tk.report({ loss: Infinity, step: 1 });
const ctx = tk.getContext();
process.stdout.write([name, tk.getCheckpoint(), JSON.stringify(tk.getConfig()), ctx.getWorldRank(), ctx.getWorldSize(), ctx.getTrialDir()].join(' ') + '\\n');
`;
  const result = await runNode(body, {});
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, '[tunekit] report {"loss":"Infinity","step":1}\n  {} 0 1 \n');
});

test('the Node client reads config, checkpoint and context from the environment the driver sets', TIMEOUT, async () => {
  const body = `
const ctx = tk.getContext();
process.stdout.write([tk.getCheckpoint(), tk.getConfig().lr, ctx.getWorldRank(), ctx.getLocalRank(), ctx.getWorldSize(),
  ctx.getLocalWorldSize(), ctx.getTrialId(), ctx.getTrialName(), ctx.getExperimentPath(), ctx.getTrialDir()].join(' ') + '\\n');
`;
  const result = await runNode(body, {
    TUNEKIT_CHECKPOINT: '/exp/t1/checkpoint_000002',
    TUNEKIT_CONFIG: '{"lr":0.01}',
    RANK: '1',
    LOCAL_RANK: '1',
    WORLD_SIZE: '2',
    LOCAL_WORLD_SIZE: '2',
    TUNEKIT_TRIAL_ID: 'id_00000',
    TUNEKIT_TRIAL_NAME: 'train_id_00000',
    TUNEKIT_EXPERIMENT_PATH: '/exp',
    TUNEKIT_TRIAL_DIR: '/exp/t1',
  });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, '/exp/t1/checkpoint_000002 0.01 1 1 2 2 id_00000 train_id_00000 /exp /exp/t1\n');
});

test('a Node worker whose driver goes away mid-report gets ConnectionLost, and so does every later report', TIMEOUT, async () => {
  const h = await startHarness({
    onReport: async (r) => {
      if (r.seq === 1) return { checkpoint_dir_name: null };
      void h.server.close();
      return new Promise<never>(() => {});
    },
  });
  try {
    const body = `
await tk.report({ a: 1 });
for (const a of [2, 3]) {
  try { await tk.report({ a }); } catch (e) { process.stdout.write(e.name + ': ' + e.message + '\\n'); }
}
`;
    const result = await runNode(body, h.workerEnv(0));
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trim().split('\n');
    assert.equal(lines.length, 2);
    for (const line of lines) assert.match(line, /^ConnectionLost: lost the connection to the Tunekit trainer/);
  } finally {
    await h.close();
  }
});
