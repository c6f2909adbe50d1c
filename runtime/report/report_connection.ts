import type { Socket } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { REPORT_PROTOCOL_VERSION, type ServerMessage } from '../../protocol/report';
import { parseClientMessage } from './client_message';
import { LineReader, type LineEvent } from './line_reader';

/** One accepted `report` line, as handed to the owner. Metrics are passed through as sent. */
export interface WorkerReport {
  rank: number;
  seq: number;
  metrics: Record<string, unknown>;
  checkpoint: string | null;
}

export interface ReportAck {
  checkpoint_dir_name: string | null;
}

/** Called once per report: the ack, or the error that refused it. */
export type AnswerReport = (ack: ReportAck | Error) => void;

/** What one connection needs from the server that owns it. */
export interface ConnectionHost {
  readonly token: string;
  readonly worldSize: number;
  readonly maxLineBytes: number;
  readonly maxConsecutiveErrors: number;
  readonly helloTimeoutMs: number;
  welcome(conn: ReportConnection, rank: number, pid: number): void;
  /**
   * Hands a report on; `answer` may be called at once (most results) or later (a checkpoint
   * being copied). A callback, not a promise: at tens of thousands of reports a second the
   * promises and closures per report were a fifth of what the garbage collector swept.
   */
  deliver(report: WorkerReport, answer: AnswerReport): void;
  reject(what: string): void;
  closed(conn: ReportConnection): void;
}

/** Time a refused peer gets to read its error line before the socket is destroyed. */
const LINGER_MS = 1000;

/**
 * One worker's connection: a hello, then reports handled one at a time. The socket is
 * paused while a line is being handled, so a fast or hostile peer is held back by the
 * kernel's socket buffer instead of by our memory.
 */
export class ReportConnection {
  rank: number | null = null;
  private readonly reader: LineReader;
  private queue: LineEvent[] = [];
  private queueHead = 0;
  private busy = false;
  private closing = false;
  private lastSeq = 0;
  private consecutiveErrors = 0;
  private helloTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly host: ConnectionHost,
    readonly id: number,
  ) {
    this.reader = new LineReader(host.maxLineBytes);
    this.helloTimer = setTimeout(() => this.refuse(`no hello within ${host.helloTimeoutMs} ms`), host.helloTimeoutMs);
    this.helloTimer.unref();
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', () => {}); // resets and broken pipes end in 'close', handled there
    socket.on('close', () => {
      this.closing = true;
      clearTimeout(this.helloTimer);
      this.host.closed(this);
    });
  }

  /** Drops the connection without a word (server shutdown, or replaced by a newer one). */
  destroy(): void {
    this.closing = true;
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    if (this.closing) return;
    for (const event of this.reader.push(chunk)) this.queue.push(event);
    // A worker waits for each ack, so lines arriving while one is answered mean a client that
    // does not: only then is reading paused (pausing on every report costs two syscalls each).
    if (this.busy) this.socket.pause();
    void this.drainQueue();
  }

  private async drainQueue(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    // A 64 KiB chunk can hold 64 Ki lines; walk them by index rather than shift() each.
    // Most lines are answered synchronously; only those that wait (a report, a full socket) are awaited.
    while (this.queueHead < this.queue.length && !this.closing) {
      const pending = this.handle(this.queue[this.queueHead++]);
      if (pending) await pending;
    }
    this.queue = [];
    this.queueHead = 0;
    this.busy = false;
    if (!this.closing && this.socket.isPaused()) this.socket.resume();
  }

  private handle(event: LineEvent): Promise<void> | void {
    if (event.kind === 'oversized') return this.fail(`line longer than ${event.maxBytes} bytes`);
    if (event.text.trim() === '') return;
    const parsed = parseClientMessage(event.text);
    if (this.rank === null) {
      if (!parsed.ok) return this.fail(parsed.error);
      if (parsed.message.type !== 'hello') return this.fail('the first message must be a hello');
      const { token, rank, pid } = parsed.message;
      if (!sameToken(token, this.host.token)) return this.fail('wrong token');
      if (rank >= this.host.worldSize) return this.fail(`rank ${rank} is outside the world size ${this.host.worldSize}`);
      clearTimeout(this.helloTimer);
      this.rank = rank;
      this.host.welcome(this, rank, pid);
      return this.send({ type: 'welcome', version: REPORT_PROTOCOL_VERSION });
    }
    if (!parsed.ok) {
      if (parsed.seq === undefined) return this.fail(parsed.error);
      return this.fail(parsed.error, parsed.seq);
    }
    const message = parsed.message;
    if (message.type === 'hello') return this.fail('hello was already accepted on this connection');
    if (message.seq <= this.lastSeq) return this.fail(`seq ${message.seq} does not follow ${this.lastSeq}`, message.seq);
    this.lastSeq = message.seq;
    this.consecutiveErrors = 0;
    return this.deliver({ rank: this.rank, seq: message.seq, metrics: message.metrics, checkpoint: message.checkpoint });
  }

  /**
   * Acks only once the owner has answered, so the worker may then drop its checkpoint. Returns
   * a promise only while the answer (or room in the socket for it) is still awaited.
   */
  private deliver(report: WorkerReport): Promise<void> | void {
    let answered = false;
    let sent: Promise<void> | void = undefined;
    let wake: (() => void) | undefined;
    const answer: AnswerReport = (ack) => {
      if (answered) return;
      answered = true;
      const seq = report.seq;
      if (ack instanceof Error) sent = this.send({ type: 'ack', seq, ok: false, error: ack.message });
      else sent = this.send({ type: 'ack', seq, ok: true, checkpoint_dir_name: typeof ack?.checkpoint_dir_name === 'string' ? ack.checkpoint_dir_name : null });
      if (wake) void Promise.resolve(sent).then(wake);
    };
    try {
      this.host.deliver(report, answer);
    } catch (err) {
      answer(err instanceof Error ? err : new Error(String(err)));
    }
    if (answered) return sent;
    return new Promise<void>((resolve) => (wake = resolve));
  }

  /**
   * A bad line: before the hello it closes the connection, whatever it was (REPORTING.md);
   * after it, it is answered, counted, and fatal once too many come in a row.
   */
  private fail(error: string, seq?: number): Promise<void> | void {
    if (this.rank === null) return this.refuse(error);
    this.host.reject(`${this.describe()}: ${error}`);
    if (++this.consecutiveErrors > this.host.maxConsecutiveErrors) {
      return this.refuse(`more than ${this.host.maxConsecutiveErrors} bad lines in a row`);
    }
    if (seq === undefined) return this.send({ type: 'error', error });
    return this.send({ type: 'ack', seq, ok: false, error });
  }

  /** Answers with an error and closes the connection. */
  private refuse(error: string): void {
    if (this.closing) return;
    this.host.reject(`${this.describe()}: ${error}; closing`);
    this.closing = true;
    this.queue = [];
    this.queueHead = 0;
    clearTimeout(this.helloTimer);
    if (this.socket.writable) this.socket.end(JSON.stringify({ type: 'error', error } satisfies ServerMessage) + '\n');
    this.socket.resume(); // read and drop whatever else arrives, so the peer's close is seen
    setTimeout(() => this.socket.destroy(), LINGER_MS).unref();
  }

  /** Returns a promise only when the socket is full, to be awaited before reading on. */
  private send(message: ServerMessage): Promise<void> | void {
    if (this.closing || !this.socket.writable) return;
    if (this.socket.write(JSON.stringify(message) + '\n')) return;
    return new Promise<void>((resolve) => {
      const done = () => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }

  private describe(): string {
    return this.rank === null ? `report connection ${this.id}` : `report connection ${this.id} (rank ${this.rank})`;
  }
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
