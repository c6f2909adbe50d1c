import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import type { Readable } from 'node:stream';

const MAX_HEADER = 200;

/**
 * Where forked workers send their stdout and stderr: a forked worker cannot inherit a pipe
 * the driver makes, so it connects here twice and names itself with a one-time nonce.
 */
export class WorkerStdioServer {
  private readonly expected = new Map<string, (stream: 'stdout' | 'stderr', readable: Readable) => void>();
  private constructor(
    private readonly server: Server,
    readonly socketPath: string,
  ) {}

  static async listen(socketPath: string): Promise<WorkerStdioServer> {
    rmSync(socketPath, { force: true });
    const server = createServer();
    const stdio = new WorkerStdioServer(server, socketPath);
    server.on('connection', (socket) => stdio.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => resolve());
    });
    return stdio;
  }

  /** A nonce for one worker; its two streams are handed to `attach` as they connect. */
  expect(attach: (stream: 'stdout' | 'stderr', readable: Readable) => void): string {
    const nonce = randomBytes(16).toString('hex');
    this.expected.set(nonce, attach);
    return nonce;
  }

  forget(nonce: string): void {
    this.expected.delete(nonce);
  }

  close(): void {
    this.server.close();
    rmSync(this.socketPath, { force: true });
  }

  private accept(socket: Socket): void {
    let header = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      header = Buffer.concat([header, chunk]);
      const end = header.indexOf(10);
      if (end < 0) {
        if (header.length > MAX_HEADER) socket.destroy();
        return;
      }
      socket.off('data', onData);
      socket.pause();
      const [nonce, stream] = header.subarray(0, end).toString('utf8').split(' ');
      const attach = this.expected.get(nonce);
      if (!attach || (stream !== 'stdout' && stream !== 'stderr')) {
        socket.destroy();
        return;
      }
      const rest = header.subarray(end + 1);
      if (rest.length) socket.unshift(rest);
      attach(stream, socket);
    };
    socket.on('data', onData);
    socket.on('error', () => socket.destroy());
  }
}
