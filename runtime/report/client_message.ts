import { isAbsolute } from 'node:path';
import { REPORT_PROTOCOL_VERSION, type ClientMessage, type MetricValue } from '../../protocol/report';

/** A line from a worker, checked against protocol/REPORTING.md. */
export type ParsedClientMessage =
  | { ok: true; message: ClientMessage }
  /** seq is set when the line was recognisably a report, so the refusal can be its ack. */
  | { ok: false; error: string; seq?: number };

const NON_FINITE_TOKEN = /(^|[^"\w])-?(NaN|Infinity)\b/;

export function parseClientMessage(text: string): ParsedClientMessage {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const hint = NON_FINITE_TOKEN.test(text) ? `: ${NON_FINITE_SPELLING}` : '';
    return { ok: false, error: `line is not valid JSON${hint}` };
  }
  if (!isPlainObject(value)) return { ok: false, error: 'a message must be a JSON object' };
  const type = value.type;
  if (type === 'hello') return parseHello(value);
  if (type === 'report') return parseReport(value);
  if (typeof type !== 'string') return { ok: false, error: 'message has no string "type"' };
  return { ok: false, error: `unknown message type ${JSON.stringify(type.slice(0, 40))}` };
}

function parseHello(v: Record<string, unknown>): ParsedClientMessage {
  if (typeof v.token !== 'string' || v.token === '') return { ok: false, error: 'hello needs a string "token"' };
  if (!isNonNegativeInteger(v.rank)) return { ok: false, error: 'hello needs an integer "rank" ≥ 0' };
  if (!isNonNegativeInteger(v.pid) || v.pid === 0) return { ok: false, error: 'hello needs an integer "pid" > 0' };
  if (v.version !== undefined && v.version !== REPORT_PROTOCOL_VERSION) {
    return { ok: false, error: `protocol version ${JSON.stringify(v.version)} is not supported (this driver speaks ${REPORT_PROTOCOL_VERSION})` };
  }
  const message: ClientMessage = { type: 'hello', token: v.token, rank: v.rank, pid: v.pid };
  if (v.version !== undefined) message.version = REPORT_PROTOCOL_VERSION;
  return { ok: true, message };
}

function parseReport(v: Record<string, unknown>): ParsedClientMessage {
  if (!isNonNegativeInteger(v.seq) || v.seq === 0) return { ok: false, error: 'report needs an integer "seq" > 0' };
  const seq = v.seq;
  if (!isPlainObject(v.metrics)) return { ok: false, seq, error: '"metrics" must be a JSON object' };
  const checkpoint = v.checkpoint ?? null;
  if (checkpoint !== null) {
    if (typeof checkpoint !== 'string' || !isAbsolute(checkpoint) || checkpoint.includes('\0')) {
      return { ok: false, seq, error: '"checkpoint" must be an absolute directory path or null' };
    }
  }
  const beyond = nonFiniteNumberAt(v.metrics, 'metrics');
  if (beyond) {
    return { ok: false, seq, error: `${beyond} is a number beyond a double's range; ${NON_FINITE_SPELLING}` };
  }
  const metrics = v.metrics as { [key: string]: MetricValue };
  return { ok: true, message: { type: 'report', seq, metrics, checkpoint } };
}

const NON_FINITE_SPELLING = 'send NaN and ±Infinity as the strings "NaN", "Infinity", "-Infinity"';

/**
 * Where a number that JSON.parse read as ±Infinity (such as 1e999) sits, if anywhere.
 * Passing it on would store null, since JSON has no Infinity; refusing keeps "values pass
 * through unchanged" true.
 */
function nonFiniteNumberAt(value: unknown, where: string): string | undefined {
  // The path is spelled only for the value found: building it for every key of every report
  // would cost more than the check itself.
  const path = nonFinitePath(value);
  return path === undefined ? undefined : where + path.map((step) => `[${typeof step === 'number' ? step : JSON.stringify(step)}]`).join('');
}

function nonFinitePath(value: unknown): Array<string | number> | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : [];
  if (typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nonFinitePath(value[i]);
      if (found) return [i, ...found];
    }
    return undefined;
  }
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    const found = nonFinitePath((value as Record<string, unknown>)[key]);
    if (found) return [key, ...found];
  }
  return undefined;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isNonNegativeInteger(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}
