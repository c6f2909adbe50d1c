/**
 * The runtime's lifetime: it serves clients on its socket (or one over stdio), keeps running
 * while any experiment runs even with no client attached, and leaves once nothing runs and
 * no client has come back for the idle time. SIGTERM stops every experiment first.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { openClientSession, type RuntimeInfo } from './client_session';
import type { ExperimentHost } from './experiment_host';
import type { RuntimeLog } from './runtime_log';
import { listenOnce, removeOwnSocket } from './socket_place';

export interface DaemonOptions {
  host: ExperimentHost;
  log: RuntimeLog;
  info: RuntimeInfo;
  idleExitS: number;
  /** Called once, when the daemon is done; the entry exits the process with the code. */
  onExit: (code: number) => void;
}

export class RuntimeDaemon {
  private clients = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private server: Server | undefined;
  private socket: { path: string; inode: number } | undefined;
  private exiting = false;

  constructor(private readonly options: DaemonOptions) {
    options.host.on('live', () => this.checkIdle());
  }

  /** Serves `path`; false when another daemon already does (this one then has nothing to do). */
  async listen(path: string): Promise<boolean> {
    const server = createServer((sock) => this.attachSocket(sock));
    const outcome = await listenOnce(server, path);
    if (!outcome.listening) return false;
    this.server = server;
    this.socket = { path, inode: outcome.inode };
    this.options.log.info(`listening on ${path}`);
    this.checkIdle();
    return true;
  }

  /** One client over a pair of streams (stdio). */
  attach(input: NodeJS.ReadableStream, output: NodeJS.WritableStream, close: () => void): void {
    this.clients++;
    this.checkIdle();
    openClientSession({
      input,
      output,
      close,
      host: this.options.host,
      info: this.options.info,
      log: this.options.log,
      onEnd: () => {
        this.clients--;
        this.options.log.info(`a client detached (${this.clients} attached)`);
        this.checkIdle();
      },
    });
    this.options.log.info(`a client attached (${this.clients} attached)`);
  }

  private attachSocket(sock: Socket): void {
    sock.on('error', (err) => this.options.log.warn(`client socket: ${err.message}`));
    this.attach(sock, sock, () => sock.end());
  }

  private checkIdle(): void {
    const idle = this.clients === 0 && this.options.host.liveCount() === 0 && !this.exiting;
    if (!idle) {
      if (this.idleTimer) clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
      return;
    }
    if (this.idleTimer) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      this.options.log.info(`idle for ${this.options.idleExitS} s with no experiment running and no client attached; exiting`);
      void this.exit(0);
    }, this.options.idleExitS * 1000);
  }

  /** Stops every experiment cleanly (resumable), then exits. */
  async shutdown(reason: string): Promise<void> {
    if (this.exiting) return;
    this.options.log.info(`${reason}: stopping every experiment`);
    this.exiting = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    await this.options.host.stopAll(reason).catch((err: Error) => this.options.log.error(`stopping experiments failed: ${err.message}`));
    await this.exit(0);
  }

  private async exit(code: number): Promise<void> {
    this.exiting = true;
    this.server?.close();
    if (this.socket) await removeOwnSocket(this.socket.path, this.socket.inode);
    this.options.host.dispose();
    this.options.log.info('exited');
    this.options.onExit(code);
  }
}
