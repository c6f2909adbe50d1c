import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { spawnReadyChildren } from './ready_children';

export interface WorkerTiming {
  /** Epoch seconds of the first report and after the last ack. */
  start: number;
  end: number;
  latencies_us: number[];
}

/**
 * The round-trip baseline: `children` Python processes each send `countEach` report lines
 * over a Unix socket to this process, which parses each and answers an ack line; the
 * children wait for every ack, as tunekit.report() does. Nothing is relayed or persisted.
 */
export async function measureSocketEcho(python: string, workersDir: string, socketDir: string, children: number, countEach: number): Promise<WorkerTiming[]> {
  const socketPath = join(socketDir, 'echo.sock');
  const server = createServer((socket) => {
    createInterface({ input: socket, crlfDelay: Infinity }).on('line', (line) => {
      const msg = JSON.parse(line) as { seq: number };
      socket.write(`${JSON.stringify({ type: 'ack', seq: msg.seq, ok: true, checkpoint_dir_name: null })}\n`);
    });
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(socketPath, resolve));
  try {
    const timings: WorkerTiming[] = [];
    const group = await spawnReadyChildren(
      python,
      () => [join(workersDir, 'echo_client.py'), socketPath, String(countEach)],
      children,
      (_, line) => timings.push(JSON.parse(line) as WorkerTiming),
    );
    group.go();
    await group.exited;
    if (timings.length !== children) throw new Error(`${timings.length} of ${children} echo clients reported their timings`);
    return timings;
  } finally {
    server.close();
  }
}
