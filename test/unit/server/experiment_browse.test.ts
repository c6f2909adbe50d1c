import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findExperimentDirs, loadBrowsed } from '../../../runtime/server/experiment_browse';
import { ExperimentFixture, grant, snapshot } from '../tuner/experiment_fixture';

test('browsing a killed run changes no byte: torn lines, symlinked files and unacknowledged checkpoints stay as they are', async (t) => {
  const exp = new ExperimentFixture(t);
  const running = exp.trial(0);
  const linked = exp.trial(1);
  exp.event({ type: 'trial_started', ts: 1011, trial_id: running.id, grant, pids: [902], pid_start_times: [5555] });
  exp.tearJournal();
  exp.results(running.dir, 3, { 2: 'checkpoint_000000' }, true);
  exp.checkpointDir(running.dir, 'checkpoint_000001');
  mkdirSync(join(running.dir, '.tmp_checkpoint_ab12'));
  // A results folder committed to a repository, its files symlinked to somewhere outside the workspace.
  const outside = join(exp.path, '..', 'outside.jsonl');
  writeFileSync(outside, '{"loss":1,"training_iteration":1}\nsomeone else\'s half line');
  symlinkSync(outside, join(linked.dir, 'result.json'));
  symlinkSync(outside, join(linked.dir, 'progress.csv'));
  const before = snapshot(join(exp.path, '..'));

  assert.deepEqual(await findExperimentDirs(join(exp.path, '..')), [exp.path]);
  const view = await loadBrowsed(exp.path);

  assert.equal(view.state, 'interrupted');
  assert.deepEqual(view.trials?.map((trial) => trial.iteration), [3, 1]);
  assert.deepEqual(snapshot(join(exp.path, '..')), before);
  assert.equal(readFileSync(outside, 'utf8'), '{"loss":1,"training_iteration":1}\nsomeone else\'s half line');
});
