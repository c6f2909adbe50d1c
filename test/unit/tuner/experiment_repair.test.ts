import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repairExperiment } from '../../../runtime/tuner/experiment_repair';
import { replayExperiment } from '../../../runtime/tuner/experiment_replay';
import { acquireRunLock } from '../../../runtime/tuner/run_lock';
import { TrialResults } from '../../../runtime/storage/trial_results';
import { ExperimentFixture, grant, snapshot } from './experiment_fixture';

async function locked(t: TestContext, exp: ExperimentFixture): Promise<void> {
  const lock = await acquireRunLock(exp.path);
  t.after(() => lock.release());
}

/** What TrialResults writes for `rows`, as result.json and progress.csv texts. */
async function written(t: TestContext, rows: Array<Record<string, unknown>>): Promise<{ json: string; csv: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'tunekit-written-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const results = new TrialResults(dir);
  for (const row of rows) results.append(row);
  await results.close();
  return { json: readFileSync(join(dir, 'result.json'), 'utf8'), csv: readFileSync(join(dir, 'progress.csv'), 'utf8') };
}

test('repair under the run lock trims torn lines and removes half-copied and unacknowledged checkpoints', async (t) => {
  const exp = new ExperimentFixture(t);
  const running = exp.trial(0);
  exp.event({ type: 'trial_started', ts: 1011, trial_id: running.id, grant, pids: [902], pid_start_times: [5555] });
  exp.tearJournal();
  exp.results(running.dir, 4, { 2: 'checkpoint_000000', 4: 'checkpoint_000001' }, true);
  exp.checkpointDir(running.dir, 'checkpoint_000002');
  mkdirSync(join(running.dir, '.tmp_checkpoint_x1y2'));
  await locked(t, exp);

  const repaired = await repairExperiment(exp.path);

  assert.ok(repaired.some((r) => r.startsWith('trimmed a torn last line of events.jsonl')));
  assert.ok(repaired.some((r) => r.startsWith(`trimmed a torn last line of ${running.name}/result.json`)));
  assert.ok(repaired.some((r) => r.startsWith(`trimmed a torn last line of ${running.name}/progress.csv`)));
  assert.ok(repaired.includes(`removed the unfinished checkpoint copy ${running.name}/.tmp_checkpoint_x1y2`));
  assert.ok(repaired.includes(`removed ${running.name}/checkpoint_000002: it was copied but its report was never acknowledged`));
  assert.equal(existsSync(join(running.dir, '.tmp_checkpoint_x1y2')), false);
  assert.equal(existsSync(join(running.dir, 'checkpoint_000002')), false);
  assert.ok(existsSync(join(running.dir, 'checkpoint_000001', 'model.pt')));
  assert.ok(readFileSync(join(running.dir, 'progress.csv'), 'utf8').endsWith('0.25,4\n'));
  assert.ok(readFileSync(join(exp.path, 'events.jsonl'), 'utf8').endsWith(`"pid_start_times":[5555]}\n`));
  assert.deepEqual(await repairExperiment(exp.path), [], 'a second repair finds nothing to do');
});

test('repair is refused to a process that does not hold the run lock, and changes nothing', async (t) => {
  const exp = new ExperimentFixture(t);
  const trial = exp.trial(0);
  exp.results(trial.dir, 2, {}, true);
  exp.tearJournal();
  const before = snapshot(exp.path);

  await assert.rejects(repairExperiment(exp.path), /does not hold its run lock/);

  assert.deepEqual(snapshot(exp.path), before);
});

test('repair never goes through a symlink: a result.json linked outside the experiment is refused and its target left whole', async (t) => {
  const exp = new ExperimentFixture(t);
  const trial = exp.trial(0);
  const outside = join(exp.path, '..', 'outside.jsonl');
  writeFileSync(outside, '{"a":1}\nnot the end of a line');
  symlinkSync(outside, join(trial.dir, 'result.json'));
  await locked(t, exp);

  await assert.rejects(repairExperiment(exp.path), /result\.json is a symlink/);

  assert.equal(readFileSync(outside, 'utf8'), '{"a":1}\nnot the end of a line');
});

test('repair never goes through a symlinked trial directory', async (t) => {
  const exp = new ExperimentFixture(t);
  const trial = exp.trial(0);
  const elsewhere = join(exp.path, 'elsewhere');
  rmSync(trial.dir, { recursive: true });
  mkdirSync(elsewhere);
  writeFileSync(join(elsewhere, 'result.json'), '{"a":1}\ntorn');
  symlinkSync(elsewhere, trial.dir);
  await locked(t, exp);

  await assert.rejects(repairExperiment(exp.path), /is a symlink/);

  assert.equal(readFileSync(join(elsewhere, 'result.json'), 'utf8'), '{"a":1}\ntorn');
});

test('a runtime killed between the result.json and progress.csv appends leaves both with the same rows, each once, after repair', async (t) => {
  const exp = new ExperimentFixture(t);
  const trial = exp.trial(0);
  const rows = [
    { loss: 0.5, training_iteration: 1, nested: { a: 1 } },
    { loss: 0.25, training_iteration: 2, nested: { a: 2 }, extra: 'x, "quoted"' },
    { loss: 0.125, training_iteration: 3, nested: { a: 3, b: true } },
  ];
  const all = await written(t, rows);
  const twoRows = await written(t, rows.slice(0, 2));
  // result.json got row 3; progress.csv never did.
  writeFileSync(join(trial.dir, 'result.json'), all.json);
  writeFileSync(join(trial.dir, 'progress.csv'), twoRows.csv);
  await locked(t, exp);

  const repaired = await repairExperiment(exp.path);

  assert.equal(readFileSync(join(trial.dir, 'progress.csv'), 'utf8'), all.csv);
  assert.deepEqual(repaired, [`rewrote ${trial.name}/progress.csv to hold the 3 row(s) of result.json`]);
  assert.deepEqual(await repairExperiment(exp.path), []);
  assert.equal(readFileSync(join(trial.dir, 'progress.csv'), 'utf8'), all.csv);
});

test('a progress.csv that was never created is written from result.json on repair, and appends continue it', async (t) => {
  const exp = new ExperimentFixture(t);
  const trial = exp.trial(0);
  const rows = [{ loss: 0.5, training_iteration: 1 }, { loss: 0.25, training_iteration: 2 }];
  const all = await written(t, rows);
  writeFileSync(join(trial.dir, 'result.json'), all.json.split('\n')[0] + '\n');
  await locked(t, exp);

  await repairExperiment(exp.path);
  const results = new TrialResults(trial.dir);
  results.append(rows[1]);
  await results.close();

  assert.equal(readFileSync(join(trial.dir, 'result.json'), 'utf8'), all.json);
  assert.equal(readFileSync(join(trial.dir, 'progress.csv'), 'utf8'), all.csv);
});

test('after repair, replay sees what it saw before: repair only removes what replay already skips', async (t) => {
  const exp = new ExperimentFixture(t);
  const trial = exp.trial(0);
  exp.event({ type: 'trial_started', ts: 1010, trial_id: trial.id, grant, pids: [902] });
  exp.results(trial.dir, 3, { 2: 'checkpoint_000000' }, true);
  exp.checkpointDir(trial.dir, 'checkpoint_000001');
  appendFileSync(join(exp.path, 'events.jsonl'), '{"type":"trial_fini');
  const before = (await replayExperiment(exp.path)).trials;
  await locked(t, exp);

  await repairExperiment(exp.path);

  assert.deepEqual((await replayExperiment(exp.path)).trials, before);
});
