import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { chmodSync, lstatSync, rmSync, unlinkSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { DEFAULT_MAX_LINE_BYTES } from '../../protocol/report';
import { ReportConnection, type AnswerReport, type ConnectionHost, type ReportAck, type WorkerReport } from './report_connection';
import { RejectionLog } from './rejection_log';

// The connection produces reports and awaits acks, so it defines them; the server, its owner,
// passes them on (they lived here once, and made the pair a cycle: issue 13 §5).
export type { AnswerReport, ReportAck, WorkerReport };

export interface ReportServerOptions {
  /** Absolute path inside a private (0700) directory. */
  socketPath: string;
  token: string;
  worldSize: number;
  maxLineBytes?: number;
  /** Bad lines in a row after which a connection is closed (default 50). */
  maxConsecutiveErrors?: number;
  /** How long a new connection may stay silent before its hello (default 10 s). */
  helloTimeoutMs?: number;
  /**
   * Takes a report and answers it: by calling `answer` (at once or later), or by returning a
   * promise that resolves once the result is persisted. An error or a rejection becomes
   * ok:false with its message.
   */
  onReport: (r: WorkerReport, answer: AnswerReport) => Promise<ReportAck> | void;
  /** Rate-limited log sink for refused lines and connections. */
  onRejected?: (what: string) => void;
  onConnect?: (rank: number, pid: number) => void;
  onDisconnect?: (rank: number) => void;
}

/** How many connections one trial's socket holds at once; more are closed as they come. */
export function maxConnectionsFor(worldSize: number): number {
  return 2 * worldSize + 8;
}

/** Linux's sun_path holds 108 bytes including the terminating NUL. */
const MAX_SOCKET_PATH_BYTES = 107;

/** The Trainer driver's end of one trial's report socket. */
export class ReportServer {
  private readonly connections = new Set<ReportConnection>();
  private readonly byRank = new Map<number, ReportConnection>();
  private readonly log: RejectionLog;
  private readonly logFlush: NodeJS.Timeout;
  private nextId = 1;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly server: Server,
    private readonly opts: ReportServerOptions,
  ) {
    // The socket is served in the Tuner's own process: a worker that connects in a loop must
    // not take the file descriptors the Tuner writes results with. One connection per rank,
    // room for restarted ranks whose old connection is not closed yet, and a few more.
    server.maxConnections = maxConnectionsFor(opts.worldSize);
    this.log = new RejectionLog(opts.onRejected);
    this.logFlush = setInterval(() => this.log.flush(), 10_000).unref();
    const host = this.host();
    server.on('connection', (socket: Socket) => {
      const conn = new ReportConnection(socket, host, this.nextId++);
      this.connections.add(conn);
    });
    server.on('error', (err) => this.log.note(`report socket: ${err.message}`));
  }

  get socketPath(): string {
    return this.opts.socketPath;
  }

  static async listen(opts: ReportServerOptions): Promise<ReportServer> {
    const { socketPath, token, worldSize } = opts;
    if (!isAbsolute(socketPath)) throw new Error(`report socket path must be absolute: ${socketPath}`);
    const bytes = Buffer.byteLength(socketPath);
    if (bytes > MAX_SOCKET_PATH_BYTES) {
      throw new Error(`report socket path is ${bytes} bytes, more than the ${MAX_SOCKET_PATH_BYTES} a Unix socket allows: ${socketPath}`);
    }
    if (token === '') throw new Error('report token must not be empty');
    for (const [name, value] of Object.entries({ worldSize, maxLineBytes: opts.maxLineBytes ?? 1, helloTimeoutMs: opts.helloTimeoutMs ?? 1 })) {
      if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${value}`);
    }
    const maxErrors = opts.maxConsecutiveErrors ?? 0;
    if (!Number.isInteger(maxErrors) || maxErrors < 0) throw new Error(`maxConsecutiveErrors must be an integer ≥ 0, got ${maxErrors}`);
    removeStaleSocket(socketPath);
    const server = createServer({ pauseOnConnect: false });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => {
        server.off('error', reject);
        resolve();
      });
    });
    // The directory is already private; this closes the gap for anyone who shares it.
    chmodSync(socketPath, 0o600);
    return new ReportServer(server, opts);
  }

  /**
   * For a trial whose ranks are on several cluster nodes, where no Unix socket reaches them all:
   * TCP on one address of this node (never the wildcard), a free port, the same token and
   * protocol. The address workers get is `tcp://host:port` in TUNEKIT_REPORT_SOCKET.
   */
  static async listenTcp(host: string, opts: Omit<ReportServerOptions, 'socketPath'>): Promise<ReportServer> {
    if (opts.token === '') throw new Error('report token must not be empty');
    if (host === '' || host === '0.0.0.0' || host === '::') throw new Error(`report address must name one interface, got "${host}"`);
    const server = createServer({ pauseOnConnect: false });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return new ReportServer(server, { ...opts, socketPath: `tcp://${shown}:${address.port}` });
  }

  /** Closes the listener and every connection, and removes the socket file. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      clearInterval(this.logFlush);
      this.server.close(() => {
        if (!this.opts.socketPath.startsWith('tcp://')) rmSync(this.opts.socketPath, { force: true });
        this.log.flush();
        resolve();
      });
      for (const conn of this.connections) conn.destroy();
    });
    return this.closing;
  }

  private host(): ConnectionHost {
    const opts = this.opts;
    return {
      token: opts.token,
      worldSize: opts.worldSize,
      maxLineBytes: opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES,
      maxConsecutiveErrors: opts.maxConsecutiveErrors ?? 50,
      helloTimeoutMs: opts.helloTimeoutMs ?? 10_000,
      welcome: (conn, rank, pid) => {
        const older = this.byRank.get(rank);
        this.byRank.set(rank, conn);
        // A restarted worker can say hello before its predecessor's close is noticed.
        if (older) {
          this.notify(() => opts.onDisconnect?.(rank));
          older.destroy();
        }
        this.notify(() => opts.onConnect?.(rank, pid));
      },
      deliver: (report, answer) => {
        const returned = opts.onReport(report, answer);
        if (returned) returned.then(answer, (err: unknown) => answer(err instanceof Error ? err : new Error(String(err))));
      },
      reject: (what) => this.log.note(what),
      closed: (conn) => {
        this.connections.delete(conn);
        if (conn.rank === null || this.byRank.get(conn.rank) !== conn) return;
        this.byRank.delete(conn.rank);
        if (!this.closing) this.notify(() => opts.onDisconnect?.(conn.rank!));
      },
    };
  }

  /** Owner callbacks run inside socket events; one that throws must not end the server. */
  private notify(call: () => void): void {
    try {
      call();
    } catch (err) {
      this.log.note(`report server callback failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

function removeStaleSocket(path: string): void {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (!isSocket) throw new Error(`${path} exists and is not a socket; refusing to replace it`);
  unlinkSync(path);
}
