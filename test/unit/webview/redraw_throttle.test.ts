import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RedrawThrottle } from '../../../webview/model/redraw_throttle';

/** A manual clock: timers run when time is advanced past them. */
function fakeTimers() {
  let now = 0;
  const due: Array<{ at: number; run: () => void }> = [];
  return {
    now: () => now,
    setTimeout: (run: () => void, ms: number) => void due.push({ at: now + ms, run }),
    advance(ms: number) {
      const end = now + ms;
      for (;;) {
        due.sort((a, b) => a.at - b.at);
        const next = due[0];
        if (!next || next.at > end) break;
        due.shift();
        now = next.at;
        next.run();
      }
      now = Math.max(now, end);
    },
  };
}

describe('redraw throttle', () => {
  it('results arriving every 10 ms for a second redraw at most 5 times at a 250 ms pace', () => {
    const timers = fakeTimers();
    let draws = 0;
    const throttle = new RedrawThrottle(250, timers, () => draws++);
    for (let t = 0; t < 1000; t += 10) {
      throttle.request();
      timers.advance(10);
    }
    timers.advance(500);
    assert.ok(draws >= 4 && draws <= 5, `${draws} draws`);
  });

  it('with a 5% budget, draws that take 40 ms are spaced 800 ms apart', () => {
    const timers = fakeTimers();
    const at: number[] = [];
    const throttle = new RedrawThrottle(
      250,
      timers,
      () => {
        at.push(timers.now());
        timers.advance(40);
      },
      0.05,
    );
    for (let t = 0; t < 3000; t += 50) {
      throttle.request();
      timers.advance(50);
    }
    assert.deepEqual(at.slice(0, 4), [0, 800, 1600, 2400]);
  });

  it('one very slow draw holds the next back at most four intervals', () => {
    const timers = fakeTimers();
    const at: number[] = [];
    let cost = 100;
    const throttle = new RedrawThrottle(
      250,
      timers,
      () => {
        at.push(timers.now());
        timers.advance(cost);
        cost = 1;
      },
      0.05,
    );
    throttle.request();
    timers.advance(1);
    throttle.request();
    timers.advance(3000);
    assert.deepEqual(at, [0, 1000]);
  });

  it('the first change after a quiet spell draws on the next tick, not a whole interval later', () => {
    const timers = fakeTimers();
    const at: number[] = [];
    const throttle = new RedrawThrottle(250, timers, () => at.push(timers.now()));
    timers.advance(5000);
    throttle.request();
    timers.advance(1);
    assert.deepEqual(at, [5000]);
  });
});
