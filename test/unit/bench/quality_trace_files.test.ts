import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { optunaTrace, tunekitTrace } from '../../../scripts/bench/quality_trace_files';

function scratch(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'tunekit-quality-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const lines = (items: object[]) => items.map((i) => JSON.stringify(i)).join('\n') + '\n';
const row = (at: number, acc: number) => ({ reported_at: at, val_acc: acc, epoch_s: 0.1, training_iteration: 1 });

test('a paused and resumed Tunekit trial counts as two processes, each from its start to its pause or end', (t) => {
  const dir = scratch(t);
  writeFileSync(
    join(dir, 'events.jsonl'),
    lines([
      { type: 'experiment_started', ts: 0 },
      { type: 'trial_started', trial_id: 'a', ts: 1 },
      { type: 'trial_paused', trial_id: 'a', ts: 3 },
      { type: 'trial_started', trial_id: 'b', ts: 3.5 },
      { type: 'trial_finished', trial_id: 'b', ts: 5 },
      { type: 'trial_started', trial_id: 'a', ts: 6 },
      { type: 'trial_finished', trial_id: 'a', ts: 8 },
    ]),
  );
  const results: Array<[string, object[]]> = [
    ['a', [row(2, 0.5), row(7, 0.9)]],
    ['b', [row(4, 0.8)]],
  ];
  for (const [name, rows] of results) {
    mkdirSync(join(dir, name));
    writeFileSync(join(dir, name, 'result.json'), lines(rows));
  }
  const trace = tunekitTrace(dir, [join(dir, 'a'), join(dir, 'b')]);
  assert.deepEqual(trace.spans, [
    { start: 1, end: 3 },
    { start: 3.5, end: 5 },
    { start: 6, end: 8 },
  ]);
  assert.equal(trace.starts, 3);
  assert.deepEqual(trace.rows.map((r) => r.valAcc).sort(), [0.5, 0.8, 0.9]);
});

test('a Tunekit trial that started and never ended makes the trace an error', (t) => {
  const dir = scratch(t);
  writeFileSync(join(dir, 'events.jsonl'), lines([{ type: 'trial_started', trial_id: 'a', ts: 1 }]));
  assert.throws(() => tunekitTrace(dir, []), /never ended/);
});

test('a result without the time it was reported makes the trace an error', (t) => {
  const dir = scratch(t);
  writeFileSync(join(dir, 'events.jsonl'), lines([]));
  mkdirSync(join(dir, 'a'));
  writeFileSync(join(dir, 'a', 'result.json'), lines([{ val_acc: 0.9, epoch_s: 0.1 }]));
  assert.throws(() => tunekitTrace(dir, [join(dir, 'a')]), /reported_at/);
});

test("Optuna's one process counts its start-up from the spawn, then each trial", (t) => {
  const dir = scratch(t);
  const out = join(dir, 'optuna.jsonl');
  writeFileSync(
    out,
    lines([
      { number: 0, start: 12, end: 13, state: 'COMPLETE', rows: [row(12.5, 0.9)] },
      { number: 1, start: 13, end: 13.25, state: 'PRUNED', rows: [row(13.1, 0.2)] },
    ]),
  );
  const trace = optunaTrace(out, 10);
  assert.deepEqual(trace.spans, [
    { start: 10, end: 12 },
    { start: 12, end: 13 },
    { start: 13, end: 13.25 },
  ]);
  assert.equal(trace.starts, 1);
  assert.equal(trace.rows.length, 2);
});
