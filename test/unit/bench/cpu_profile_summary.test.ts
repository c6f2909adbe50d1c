import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarizeProfile, type CpuProfile } from '../../../scripts/bench/cpu_profile_summary';

const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber });

const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)') },
    { id: 2, callFrame: frame('readJsonLines', 'file:///x/dist/cli.js', 9) },
    { id: 3, callFrame: frame('(idle)') },
    { id: 4, callFrame: frame('trimTornLine', 'file:///x/dist/cli.js', 99) },
  ],
  // Each sample lasts until the next one: 2 → 3 ms, 3 → 5 ms, 2 → 1 ms, 4 → 4 ms, 4 → (last, no length).
  samples: [2, 3, 2, 4, 4],
  timeDeltas: [0, 3000, 5000, 1000, 4000],
};

test('self time goes to the sampled function, idle apart, largest first', () => {
  const summary = summarizeProfile(profile, 1000, 5);
  assert.equal(summary.totalMs, 13);
  assert.equal(summary.idleMs, 5);
  assert.deepEqual(summary.top, [
    { where: 'readJsonLines (cli.js:10)', selfMs: 4 },
    { where: 'trimTornLine (cli.js:100)', selfMs: 4 },
  ]);
});

test('samples after the window are left out', () => {
  const summary = summarizeProfile(profile, 7, 5);
  assert.deepEqual(summary.top, [{ where: 'readJsonLines (cli.js:10)', selfMs: 3 }]);
  assert.equal(summary.idleMs, 5);
});
