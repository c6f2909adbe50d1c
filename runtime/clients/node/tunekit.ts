/**
 * Tunekit's worker API for Node workers: the same calls as the Python client (Ray Train's
 * names, in camelCase), speaking protocol/REPORTING.md. Self-contained: Node built-ins only,
 * and only type imports from the protocol, so the compiled file can be required on its own.
 */
import { createConnection, type Socket } from 'node:net';
import { statSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import type { ClientMessage, ReportEnvVar } from '../../../protocol/report';

/** The Tunekit trainer refused a report, or could not be reached. */
export class ReportError extends Error {
  override name = 'ReportError';
}

/** The connection to the Tunekit trainer is gone; this worker should stop. */
export class ConnectionLost extends ReportError {
  override name = 'ConnectionLost';
}

export interface ReportOptions {
  /** A checkpoint directory, or anything with a `path`; copied by the time report() resolves. */
  checkpoint?: string | { path: string } | null;
}

export interface TrainContext {
  getWorldRank(): number;
  getLocalRank(): number;
  getWorldSize(): number;
  getLocalWorldSize(): number;
  getTrialId(): string | null;
  getTrialName(): string | null;
  getExperimentPath(): string | null;
  getTrialDir(): string | null;
}

const MAX_REPLY_CHARS = 1024 * 1024;
const LOST = 'lost the connection to the Tunekit trainer (%s); its driver has probably exited, so this worker should stop';

/**
 * Sends one result and resolves once it is recorded, with the name the checkpoint was stored
 * under (or null). Calls are sent one after another, in call order. Outside Tunekit the
 * metrics are printed to stdout instead.
 */
export function report(metrics: Record<string, unknown>, options: ReportOptions = {}): Promise<string | null> {
  try {
    if (typeof metrics !== 'object' || metrics === null || Array.isArray(metrics)) {
      throw new TypeError('report() needs an object of metrics');
    }
    const encoded = encodeMetrics(metrics);
    const checkpoint = checkpointPath(options.checkpoint);
    const path = env('TUNEKIT_REPORT_SOCKET');
    if (!path) {
      process.stdout.write(`[tunekit] report ${encoded}${checkpoint === null ? '' : ` checkpoint=${checkpoint}`}\n`);
      return Promise.resolve(null);
    }
    session ??= new ReportSession(path, env('TUNEKIT_REPORT_TOKEN') ?? '', intEnv('RANK', 0));
    return session.report(encoded, checkpoint);
  } catch (err) {
    return Promise.reject(err);
  }
}

/** The checkpoint directory this trial resumes from, or null on a fresh start. */
export function getCheckpoint(): string | null {
  return env('TUNEKIT_CHECKPOINT') || null;
}

/** The trial's train_loop_config (a new object each call); {} outside Tunekit. */
export function getConfig(): Record<string, unknown> {
  const text = env('TUNEKIT_CONFIG');
  if (!text) return {};
  const config: unknown = JSON.parse(text);
  if (typeof config !== 'object' || config === null || Array.isArray(config)) throw new Error('TUNEKIT_CONFIG must hold a JSON object');
  return config as Record<string, unknown>;
}

export function getContext(): TrainContext {
  const worldSize = intEnv('WORLD_SIZE', 1);
  const values = {
    worldRank: intEnv('RANK', 0),
    localRank: intEnv('LOCAL_RANK', 0),
    worldSize,
    localWorldSize: intEnv('LOCAL_WORLD_SIZE', worldSize),
    trialId: env('TUNEKIT_TRIAL_ID') || null,
    trialName: env('TUNEKIT_TRIAL_NAME') || null,
    experimentPath: env('TUNEKIT_EXPERIMENT_PATH') || null,
    trialDir: env('TUNEKIT_TRIAL_DIR') || null,
  };
  return {
    ...values,
    getWorldRank: () => values.worldRank,
    getLocalRank: () => values.localRank,
    getWorldSize: () => values.worldSize,
    getLocalWorldSize: () => values.localWorldSize,
    getTrialId: () => values.trialId,
    getTrialName: () => values.trialName,
    getExperimentPath: () => values.experimentPath,
    getTrialDir: () => values.trialDir,
  };
}

let session: ReportSession | undefined;

/** This process's one connection to the trial's report socket, opened on first use. */
class ReportSession {
  private socket: Socket | undefined;
  private decoder = new StringDecoder('utf8');
  private buffered = '';
  private waiting: { resolve: (reply: Record<string, unknown>) => void; reject: (err: Error) => void } | undefined;
  private lost: string | undefined;
  private seq = 0;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly path: string,
    private readonly token: string,
    private readonly rank: number,
  ) {}

  report(metrics: string, checkpoint: string | null): Promise<string | null> {
    const run = this.tail.then(() => this.reportNow(metrics, checkpoint));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async reportNow(metrics: string, checkpoint: string | null): Promise<string | null> {
    if (this.lost !== undefined) throw new ConnectionLost(this.lost);
    if (this.socket === undefined) await this.connect();
    const seq = ++this.seq;
    // metrics is already JSON (non-finite floats spelled out), so the line is assembled here.
    const line = `{"type":"report","seq":${seq},"metrics":${metrics},"checkpoint":${JSON.stringify(checkpoint)}}`;
    const reply = await this.exchange(line);
    if (reply.type === 'ack' && reply.seq === seq) {
      if (reply.ok === true) return typeof reply.checkpoint_dir_name === 'string' ? reply.checkpoint_dir_name : null;
      throw new ReportError(`Tunekit did not record the report: ${String(reply.error)}`);
    }
    if (reply.type === 'error') throw new ReportError(`Tunekit refused the report: ${String(reply.error)}`);
    throw new ReportError(`unexpected reply from the Tunekit trainer: ${JSON.stringify(reply)}`);
  }

  private async connect(): Promise<void> {
    // A trial spread over cluster nodes reports over TCP inside its allocation (tcp://host:port).
    const tcp = /^tcp:\/\/\[?([^\]]+?)\]?:(\d+)$/.exec(this.path);
    const socket = tcp ? createConnection({ host: tcp[1], port: Number(tcp[2]) }) : createConnection(this.path);
    await new Promise<void>((resolve, reject) => {
      const failed = (err: Error) => {
        this.lost = `cannot connect to the Tunekit trainer at ${this.path} (${err.message}); its driver may have exited`;
        reject(new ConnectionLost(this.lost));
      };
      socket.once('error', failed);
      socket.once('connect', () => {
        socket.off('error', failed);
        resolve();
      });
    });
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', () => {}); // the 'close' that follows says it
    socket.on('close', () => this.drop(LOST.replace('%s', 'closed by the trainer')));
    const hello: ClientMessage = { type: 'hello', token: this.token, rank: this.rank, pid: process.pid, version: 1 };
    const reply = await this.exchange(JSON.stringify(hello));
    if (reply.type !== 'welcome') {
      const why = `the Tunekit trainer refused this worker: ${String(reply.error ?? JSON.stringify(reply))}`;
      this.drop(why);
      throw new ReportError(why);
    }
  }

  private exchange(line: string): Promise<Record<string, unknown>> {
    const socket = this.socket;
    if (this.lost !== undefined || socket === undefined) return Promise.reject(new ConnectionLost(this.lost ?? 'not connected'));
    // Referenced only while a reply is awaited, so an idle connection never keeps the worker alive.
    socket.ref();
    return new Promise<Record<string, unknown>>((resolve, reject) => {
      this.waiting = { resolve, reject };
      socket.write(line + '\n');
    }).finally(() => socket.unref());
  }

  private receive(chunk: Buffer): void {
    this.buffered += this.decoder.write(chunk);
    let newline: number;
    while ((newline = this.buffered.indexOf('\n')) !== -1) {
      const text = this.buffered.slice(0, newline);
      this.buffered = this.buffered.slice(newline + 1);
      let reply: unknown;
      try {
        reply = JSON.parse(text);
      } catch {
        reply = undefined;
      }
      if (typeof reply !== 'object' || reply === null) return this.drop('the Tunekit trainer sent a line that is not a JSON object');
      const waiting = this.waiting;
      this.waiting = undefined;
      waiting?.resolve(reply as Record<string, unknown>);
    }
    if (this.buffered.length > MAX_REPLY_CHARS) this.drop('the Tunekit trainer sent an overlong reply');
  }

  private drop(why: string): void {
    this.lost ??= why;
    this.socket?.destroy();
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(new ConnectionLost(this.lost));
  }
}

function encodeMetrics(metrics: Record<string, unknown>): string {
  return JSON.stringify(metrics, (_key, value: unknown) => {
    if (typeof value === 'number' && !Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
    if (typeof value === 'bigint') return bigintNumber(value);
    if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<unknown>, (v) => (typeof v === 'bigint' ? bigintNumber(v) : v));
    return value;
  });
}

/** Number() of a huge bigint is Infinity, which JSON would turn into null; refuse it instead. */
function bigintNumber(value: bigint): number {
  const number = Number(value);
  if (!Number.isFinite(number)) throw new RangeError(`a bigint metric (${String(value).length} digits) is too large for a 64-bit float`);
  return number;
}

function checkpointPath(checkpoint: ReportOptions['checkpoint']): string | null {
  if (checkpoint === undefined || checkpoint === null) return null;
  const given = typeof checkpoint === 'string' ? checkpoint : checkpoint.path;
  if (typeof given !== 'string') throw new TypeError('checkpoint must be a directory path or an object with a path');
  const path = resolvePath(given);
  if (!statSync(path, { throwIfNoEntry: false })?.isDirectory()) throw new Error(`checkpoint directory ${path} does not exist`);
  return path;
}

function env(name: ReportEnvVar): string | undefined {
  return process.env[name];
}

function intEnv(name: ReportEnvVar, fallback: number): number {
  const text = env(name);
  if (!text) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value)) throw new Error(`${name} must be an integer, got ${JSON.stringify(text)}`);
  return value;
}
