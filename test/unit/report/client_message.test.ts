import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseClientMessage } from '../../../runtime/report/client_message';

const errorOf = (line: string) => {
  const parsed = parseClientMessage(line);
  assert.equal(parsed.ok, false, `expected ${line} to be refused`);
  return parsed as { ok: false; error: string; seq?: number };
};

test('a hello and a report in the documented shape are accepted', () => {
  assert.deepEqual(parseClientMessage('{"type":"hello","token":"ab","rank":1,"pid":42,"version":1}'), {
    ok: true,
    message: { type: 'hello', token: 'ab', rank: 1, pid: 42, version: 1 },
  });
  assert.deepEqual(parseClientMessage('{"type":"report","seq":3,"metrics":{"loss":"NaN","acc":0.5},"checkpoint":"/tmp/ck"}'), {
    ok: true,
    message: { type: 'report', seq: 3, metrics: { loss: 'NaN', acc: 0.5 }, checkpoint: '/tmp/ck' },
  });
});

test('a report without a checkpoint field means no checkpoint', () => {
  const parsed = parseClientMessage('{"type":"report","seq":1,"metrics":{}}');
  assert.ok(parsed.ok && parsed.message.type === 'report');
  assert.equal(parsed.message.checkpoint, null);
});

test('raw NaN and Infinity tokens are malformed and the error names the string spelling', () => {
  for (const token of ['NaN', 'Infinity', '-Infinity']) {
    const { error, seq } = errorOf(`{"type":"report","seq":1,"metrics":{"loss":${token}}}`);
    assert.match(error, /not valid JSON.*"NaN", "Infinity", "-Infinity"/);
    assert.equal(seq, undefined);
  }
  assert.doesNotMatch(errorOf('{"a": nope}').error, /NaN/);
});

test('a number beyond a double’s range, at any depth, is refused as its report rather than stored as null', () => {
  for (const [metrics, where] of [
    ['{"loss":1e999}', 'metrics["loss"]'],
    ['{"curve":[0.5,-1e400]}', 'metrics["curve"][1]'],
    ['{"a":{"b":123e9999}}', 'metrics["a"]["b"]'],
  ]) {
    const { error, seq } = errorOf(`{"type":"report","seq":7,"metrics":${metrics}}`);
    assert.equal(seq, 7);
    assert.equal(error, `${where} is a number beyond a double's range; send NaN and ±Infinity as the strings "NaN", "Infinity", "-Infinity"`);
  }
  assert.equal(parseClientMessage('{"type":"report","seq":1,"metrics":{"big":1.7e308,"tiny":1e-999}}').ok, true);
});

test('lines that are not a typed JSON object are refused', () => {
  assert.match(errorOf('hello').error, /not valid JSON/);
  assert.match(errorOf('[1,2]').error, /JSON object/);
  assert.match(errorOf('null').error, /JSON object/);
  assert.match(errorOf('{"token":"x"}').error, /no string "type"/);
  assert.match(errorOf('{"type":"shutdown"}').error, /unknown message type "shutdown"/);
});

test('a hello with a missing token, a bad rank or pid, or another protocol version is refused', () => {
  assert.match(errorOf('{"type":"hello","rank":0,"pid":1}').error, /token/);
  assert.match(errorOf('{"type":"hello","token":"","rank":0,"pid":1}').error, /token/);
  assert.match(errorOf('{"type":"hello","token":"t","rank":-1,"pid":1}').error, /rank/);
  assert.match(errorOf('{"type":"hello","token":"t","rank":0.5,"pid":1}').error, /rank/);
  assert.match(errorOf('{"type":"hello","token":"t","rank":"0","pid":1}').error, /rank/);
  assert.match(errorOf('{"type":"hello","token":"t","rank":0,"pid":0}').error, /pid/);
  assert.match(errorOf('{"type":"hello","token":"t","rank":0,"pid":1,"version":2}').error, /version 2/);
});

test('a report with a usable seq but bad content is refused with its seq, so the refusal can be its ack', () => {
  assert.deepEqual(errorOf('{"type":"report","seq":4,"metrics":[1]}').seq, 4);
  assert.deepEqual(errorOf('{"type":"report","seq":4,"metrics":null}').seq, 4);
  const relative = errorOf('{"type":"report","seq":5,"metrics":{},"checkpoint":"ck/dir"}');
  assert.equal(relative.seq, 5);
  assert.match(relative.error, /absolute/);
  assert.equal(errorOf('{"type":"report","seq":6,"metrics":{},"checkpoint":7}').seq, 6);
});

test('a report whose seq is missing, zero or fractional is refused without a seq', () => {
  for (const seq of ['', '"seq":0,', '"seq":1.5,', '"seq":"1",']) {
    const refused = errorOf(`{"type":"report",${seq}"metrics":{}}`);
    assert.equal(refused.seq, undefined);
    assert.match(refused.error, /seq/);
  }
});
