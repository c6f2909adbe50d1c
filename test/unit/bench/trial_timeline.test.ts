import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trialTimeline } from '../../../scripts/bench/trial_timeline';

function experiment(t: { after: (fn: () => void) => void }, events: object[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'tunekit-timeline-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'events.jsonl'), events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  return dir;
}

test('the pool counts as filled when as many trials have started as there are slots', (t) => {
  const dir = experiment(t, [
    { type: 'experiment_started', ts: 100 },
    { type: 'trial_started', trial_id: 'a', ts: 101 },
    { type: 'trial_started', trial_id: 'b', ts: 103 },
    { type: 'trial_finished', trial_id: 'a', ts: 104 },
    { type: 'trial_started', trial_id: 'c', ts: 104.5 },
    { type: 'trial_finished', trial_id: 'b', ts: 105 },
    { type: 'trial_finished', trial_id: 'c', ts: 110.5 },
  ]);
  const timeline = trialTimeline(dir, 2);
  assert.equal(timeline.fillS, 3);
  assert.equal(timeline.medianRunS, 3);
});

test('with fewer trials than slots, the pool is as full as it gets when the last trial starts', (t) => {
  const dir = experiment(t, [
    { type: 'experiment_started', ts: 0 },
    { type: 'trial_started', trial_id: 'a', ts: 0.5 },
    { type: 'trial_finished', trial_id: 'a', ts: 2 },
  ]);
  assert.equal(trialTimeline(dir, 16).fillS, 0.5);
});

test('a journal without a finished trial is an error, not a zero', (t) => {
  const dir = experiment(t, [{ type: 'experiment_started', ts: 0 }, { type: 'trial_started', trial_id: 'a', ts: 1 }]);
  assert.throws(() => trialTimeline(dir, 1), /no finished trial/);
});
