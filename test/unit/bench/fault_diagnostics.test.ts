import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFaultDiagnostics } from '../../../scripts/bench/fault_diagnostics';

test("the kill counts and resume times are read from the tests' diagnostic lines", () => {
  const tap = [
    'TAP version 13',
    '    ok 1 - every trial still finishes (40 kills)',
    '    # worker kills: 9',
    '    # runtime kills: 3; resume to progress (s): 0.61, 1.82',
    '# tests 1',
    '# pass 1',
  ].join('\n');
  assert.deepEqual(readFaultDiagnostics(tap), { workerKills: [9], runtimeKills: [3], resumeSeconds: [0.61, 1.82] });
});

test('output without the diagnostics yields no figures rather than zeros', () => {
  assert.deepEqual(readFaultDiagnostics('not ok 1 - something failed\n# fail 1\n'), { workerKills: [], runtimeKills: [], resumeSeconds: [] });
});
