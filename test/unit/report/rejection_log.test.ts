import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RejectionLog } from '../../../runtime/report/rejection_log';

function clockedLog(burst: number, windowMs: number) {
  const written: string[] = [];
  let now = 0;
  const log = new RejectionLog((what) => written.push(what), { burst, windowMs, now: () => now });
  return { log, written, advance: (ms: number) => (now += ms) };
}

test('the first rejections of a window are logged and the rest only counted', () => {
  const { log, written } = clockedLog(10, 1000);
  for (let i = 0; i < 5000; i++) log.note(`bad line ${i}`);
  assert.equal(written.length, 10);
  assert.equal(written[9], 'bad line 9');
  log.flush();
  assert.equal(written.length, 11);
  assert.match(written[10], /^4990 more rejected report lines/);
});

test('a new window logs again after the count of the old one', () => {
  const { log, written, advance } = clockedLog(2, 1000);
  ['a', 'b', 'c', 'd'].forEach((w) => log.note(w));
  advance(1500);
  log.note('e');
  assert.deepEqual(written.slice(0, 2), ['a', 'b']);
  assert.match(written[2], /^2 more rejected report lines in the last 2s/);
  assert.equal(written[3], 'e');
});

test('flushing a window with nothing suppressed writes nothing', () => {
  const { log, written } = clockedLog(3, 1000);
  log.note('only one');
  log.flush();
  assert.deepEqual(written, ['only one']);
});

test('a log sink that throws does not stop the log', () => {
  let calls = 0;
  const log = new RejectionLog(() => {
    calls++;
    throw new Error('sink broken');
  });
  assert.doesNotThrow(() => log.note('x'));
  assert.doesNotThrow(() => log.note('y'));
  assert.equal(calls, 2);
});
