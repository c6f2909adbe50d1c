import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { planAdmission } from '../../../runtime/resources/admission_plan';
import { loadSpec } from '../../../runtime/spec/load';
import { plannedTrials } from '../../../runtime/spec/planned_trials';

const QUICKSTART = join(__dirname, '..', '..', '..', '..', 'examples', 'quickstart', 'quickstart.tune.yaml');

test("the quickstart's opening comment says what a machine of any size does with it", async () => {
  const text = readFileSync(QUICKSTART, 'utf8');
  const comment = text.slice(0, text.search(/^[^#]/m)).replace(/^# ?/gm, '').replace(/\s+/g, ' ');
  const spec = await loadSpec(QUICKSTART);
  const { trials } = plannedTrials(spec);
  assert.match(comment, new RegExp(`\\b${trials.length} trials\\b`));

  const cpus = new Set(trials.map((t) => t.request.trainable.CPU + t.request.workers.reduce((n, w) => n + w.CPU, 0)));
  assert.equal(cpus.size, 1);
  assert.match(comment, new RegExp(`Each trial takes ${[...cpus][0]} CPU\\b`));

  const cap = spec.tune_config.max_concurrent_trials;
  const atOnce = (cpu: number) =>
    planAdmission({ capacity: { CPU: cpu, gpus: [] }, requests: trials, mode: spec.tune_config.admission, maxConcurrentTrials: cap }).waves[0].running.length;
  // "4 at a time" was true only on a machine with 4 free CPUs: the comment must hold on every one.
  assert.equal(Number(/at most (\d+) run at once/.exec(comment)?.[1]), cap);
  assert.equal(atOnce(64), cap);
  assert.ok(atOnce(2) < cap);
  assert.match(comment, /with fewer free CPUs, fewer run at once/);
});
