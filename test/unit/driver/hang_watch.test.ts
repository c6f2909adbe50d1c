import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TrialLaunch } from '../../../protocol/driver';
import { HangWatch } from '../../../runtime/driver/hang_watch';

function watch(worldSize: number, timeouts: { startupTimeoutS?: number; reportTimeoutS?: number }) {
  let now = 1_000_000;
  const hung: string[] = [];
  const launch = { startupTimeoutS: 0, reportTimeoutS: 0, ...timeouts } as TrialLaunch;
  const live = Array.from({ length: worldSize }, (_, r) => r);
  const hangWatch = new HangWatch(launch, () => live, (rank, reason) => hung.push(`${rank}: ${reason}`), () => now);
  const advance = (seconds: number) => {
    now += seconds * 1000;
    hangWatch.check();
  };
  return { hangWatch, hung, advance };
}

test('report_timeout_s blames the silent rank, not the rank waiting for it in the report barrier', (t) => {
  const { hangWatch, hung, advance } = watch(2, { reportTimeoutS: 5 });
  t.after(() => hangWatch.dispose());
  hangWatch.connected(0);
  hangWatch.connected(1);
  advance(1);
  hangWatch.reported(1);
  hangWatch.reported(0);
  hangWatch.answered(1);
  hangWatch.answered(0);
  advance(1);
  hangWatch.reported(0); // round 2: rank 0 waits for rank 1, which never reports again
  advance(6);
  assert.equal(hung.length, 1);
  assert.match(hung[0], /^1: worker 1 sent no report for 5 s/);
});

test('a rank’s silence is counted from the answer to its report, not from the report', (t) => {
  const { hangWatch, hung, advance } = watch(1, { reportTimeoutS: 5 });
  t.after(() => hangWatch.dispose());
  hangWatch.connected(0);
  hangWatch.reported(0);
  advance(8); // the Tuner took 8 s to persist the result
  assert.deepEqual(hung, []);
  hangWatch.answered(0);
  advance(4);
  assert.deepEqual(hung, []);
  advance(2);
  assert.match(hung[0], /^0: worker 0 sent no report for 5 s/);
});

test('a rank that never connects is blamed after startup_timeout_s', (t) => {
  const { hangWatch, hung, advance } = watch(2, { startupTimeoutS: 3 });
  t.after(() => hangWatch.dispose());
  hangWatch.connected(0);
  advance(2);
  assert.deepEqual(hung, []);
  advance(2);
  assert.match(hung[0], /^1: worker 1 did not connect to Tunekit within 3 s/);
});
