import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReportBarrier, type Round } from '../../../runtime/driver/report_barrier';

function harness(worldSize: number) {
  const rounds: Round[] = [];
  const outcomes: string[] = [];
  const barrier = new ReportBarrier(worldSize, (round) => rounds.push(round));
  const report = (rank: number, metrics: Record<string, unknown>, checkpoint: string | null = null) =>
    barrier.add({
      rank,
      metrics,
      checkpoint,
      resolve: (name) => outcomes.push(`${rank}:ok:${name}`),
      reject: (err) => outcomes.push(`${rank}:rejected:${err.message}`),
    });
  return { barrier, rounds, outcomes, report };
}

test('a round forms once every rank made its k-th report, with rank 0’s metrics and every checkpoint', () => {
  const { rounds, report } = harness(3);
  report(1, { loss: 1 }, '/tmp/r1');
  report(0, { loss: 0 }, '/tmp/r0');
  assert.equal(rounds.length, 0, 'rank 2 has not reported yet');
  report(2, { loss: 2 });
  assert.equal(rounds.length, 1);
  assert.deepEqual(rounds[0].metrics, { loss: 0 });
  assert.deepEqual(rounds[0].checkpoints, ['/tmp/r0', '/tmp/r1']);
  assert.deepEqual(rounds[0].reports.map((r) => r.rank), [0, 1, 2]);
});

test('a rank that finished (exit 0) does not hold later rounds back', () => {
  const { barrier, rounds, report } = harness(2);
  report(0, { step: 1 });
  barrier.rankExited(1, false);
  assert.equal(rounds.length, 1);
  report(0, { step: 2 });
  assert.equal(rounds.length, 2);
});

test('once a rank fails, open and later rounds are rejected instead of recorded', () => {
  const { barrier, rounds, outcomes, report } = harness(2);
  report(0, { step: 1 }, '/tmp/half');
  barrier.rankExited(1, true);
  report(0, { step: 2 });
  assert.equal(rounds.length, 0, 'no half-reported round becomes a result or checkpoint');
  assert.equal(outcomes.length, 2);
  assert.ok(outcomes.every((o) => o.startsWith('0:rejected:worker 1 failed')));
});
