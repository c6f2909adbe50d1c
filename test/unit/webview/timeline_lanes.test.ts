import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TimelineEvent } from '../../../protocol/dashboard_messages';
import { buildTimeline, slotsInUse } from '../../../webview/model/timeline_lanes';
import { grant } from './trials';

const started = (ts: number): TimelineEvent => ({ type: 'experiment_started', ts, experiment_id: 'e', name: 'x' });
const start = (ts: number, id: string, g = grant(1)): TimelineEvent => ({ type: 'trial_started', ts, trial_id: id, grant: g, pids: [1] });
const finish = (ts: number, id: string): TimelineEvent => ({ type: 'trial_finished', ts, trial_id: id, status: 'TERMINATED', reason: 'done' });
const wait = (ts: number, id: string, reason: string): TimelineEvent => ({ type: 'trial_waiting', ts, trial_id: id, reason });

describe('concurrency slots timeline', () => {
  it('CPU lanes come from grant counts: a 2-CPU trial takes two lanes, the next trial the lowest free one', () => {
    const t = buildTimeline([started(0), start(1, 'a', grant(2)), start(2, 'b'), finish(5, 'a'), start(6, 'c'), finish(8, 'b'), finish(9, 'c')], { CPU: 3, gpus: [] });
    assert.deepEqual(t.lanes.map((l) => l.label), ['CPU 1', 'CPU 2', 'CPU 3']);
    const lanesOf = (id: string) => t.bars.filter((b) => b.trialId === id).map((b) => b.lane);
    assert.deepEqual(lanesOf('a'), [0, 1]);
    assert.deepEqual(lanesOf('b'), [2]);
    assert.deepEqual(lanesOf('c'), [0], 'c reuses the lane a freed');
    assert.deepEqual(t.bars.find((b) => b.trialId === 'c')!.start, 6);
  });

  it('GPU lanes are per device, and trials sharing a device fractionally get a sub-lane each', () => {
    const half = (id: string, ts: number): TimelineEvent => start(ts, id, grant(0, [[1, 0.5]], 1));
    const t = buildTimeline([started(0), half('a', 1), half('b', 1), finish(4, 'a'), finish(4, 'b')], { CPU: 1, gpus: [0, 1] });
    assert.deepEqual(t.lanes.map((l) => l.label), ['GPU 0', 'GPU 1 · 1', 'GPU 1 · 2', 'CPU 1']);
    assert.deepEqual(t.bars.map((b) => [b.trialId, t.lanes[b.lane].label, b.fraction]), [
      ['a', 'GPU 1 · 1', 0.5],
      ['b', 'GPU 1 · 2', 0.5],
    ]);
  });

  it('in Ray mode a trial waiting for workers shows a waiting bar until its workers start', () => {
    const t = buildTimeline(
      [started(0), start(1, 'a', grant(1, [[0, 1]], 1)), wait(1, 'b', 'waiting for workers: needs 1 GPU, 0 free'), finish(5, 'a'), start(5, 'b', grant(1, [[0, 1]], 1)), finish(9, 'b')],
      { CPU: 2, gpus: [0] },
    );
    const waiting = t.bars.filter((b) => b.kind === 'waiting');
    assert.equal(waiting.length, 1);
    assert.deepEqual([waiting[0].trialId, waiting[0].start, waiting[0].end, t.lanes[waiting[0].lane].kind], ['b', 1, 5, 'waiting']);
    assert.match(waiting[0].detail, /waiting for workers/);
  });

  it('40 trials queued for 4 CPUs make one waiting lane whose spans count the queue, and each bar starts at admission', () => {
    const events: TimelineEvent[] = [started(0)];
    for (let i = 0; i < 4; i++) events.push(start(0, `t${i}`));
    for (let i = 4; i < 40; i++) events.push(wait(0, `t${i}`, 'needs 1 CPU, 0 free'));
    // One trial finishes each second and the next in the queue takes its CPU.
    for (let i = 0; i < 36; i++) events.push(finish(i + 1, `t${i}`), start(i + 1, `t${i + 4}`));
    for (let i = 36; i < 40; i++) events.push(finish(40, `t${i}`));
    const t = buildTimeline(events, { CPU: 4, gpus: [] });
    assert.deepEqual(t.lanes.map((l) => l.label), ['CPU 1', 'CPU 2', 'CPU 3', 'CPU 4', 'waiting']);
    assert.deepEqual(t.queue.map((q) => [q.start, q.end, q.trialIds.length]), Array.from({ length: 36 }, (_, i) => [i, i + 1, 36 - i]));
    assert.deepEqual(t.queue[35].trialIds, ['t39']);
    const held = t.bars.filter((b) => b.kind === 'holding' && b.trialId === 't20')[0];
    assert.equal(held.start, 17, 't20 holds its CPU from its admission, not from when it began to wait');
    const waited = t.bars.filter((b) => b.kind === 'waiting' && b.trialId === 't20')[0];
    assert.deepEqual([waited.start, waited.end, t.lanes[waited.lane].kind], [0, 17, 'waiting']);
  });

  it('a worker-group restart shows as a gap on the lanes the trial held', () => {
    const t = buildTimeline(
      [
        started(0),
        start(1, 'a'),
        { type: 'trial_restored', ts: 4, trial_id: 'a', from_checkpoint: 'checkpoint_000002', after_failure: true, failures: 1, reason: 'worker group restarted after: worker 0 was killed by SIGKILL' },
        start(6, 'a'),
        finish(9, 'a'),
      ],
      { CPU: 1, gpus: [] },
    );
    assert.deepEqual(t.bars.map((b) => [b.start, b.end]), [[1, 4], [6, 9]]);
    assert.deepEqual(t.gaps.map((g) => [g.lane, g.start, g.end]), [[0, 4, 6]]);
    assert.match(t.gaps[0].reason, /SIGKILL/);
  });

  it('while live, what is still held ends at now and counts as in use', () => {
    const t = buildTimeline([started(100), start(101, 'a', grant(2, [[0, 1]], 1)), start(102, 'b')], { CPU: 4, gpus: [0] }, 130);
    assert.ok(t.bars.every((b) => b.open && b.end === 30));
    assert.equal(t.span, 30);
    assert.deepEqual(slotsInUse(t), { CPU: 3, GPU: 1 });
  });

  it('a finished experiment ends at its last event whatever now is', () => {
    const t = buildTimeline([started(0), start(1, 'a'), finish(3, 'a'), { type: 'experiment_finished', ts: 4, status: 'finished' }], { CPU: 1, gpus: [] }, 500);
    assert.equal(t.span, 4);
    assert.deepEqual(slotsInUse(t), { CPU: 0, GPU: 0 });
  });

  it('an interrupted run’s open spans end at its last event when it is resumed', () => {
    const t = buildTimeline([started(0), start(1, 'a'), { ...wait(7, 'b', 'needs 1 CPU, 0 free') }, started(100), start(101, 'a'), finish(103, 'a')], { CPU: 1, gpus: [] });
    assert.deepEqual(t.bars.filter((b) => b.trialId === 'a').map((b) => [b.start, b.end, b.detail]), [[1, 7, 'interrupted'], [101, 103, 'TERMINATED: done']]);
    assert.deepEqual(t.bars.filter((b) => b.kind === 'waiting').map((b) => [b.start, b.end]), [[7, 7]]);
  });
});
