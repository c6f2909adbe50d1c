// Shared set-up for the report tests: a real server in a private directory, real worker
// processes, and raw sockets that misbehave on purpose.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ReportServer, type AnswerReport, type ReportAck, type ReportServerOptions, type WorkerReport } from '../../../runtime/report/report_server';

export const repoRoot = resolve(__dirname, '../../../..');
export const pythonClientDir = join(repoRoot, 'runtime/clients/python');
export const nodeClientModule = join(repoRoot, 'out/runtime/clients/node/tunekit.js');

export interface Harness {
  server: ReportServer;
  dir: string;
  socketPath: string;
  token: string;
  reports: WorkerReport[];
  rejected: string[];
  events: string[];
  /** Environment for a worker of the given rank inside this trial. */
  workerEnv(rank: number): Record<string, string>;
  close(): Promise<void>;
}

type HarnessOptions = Partial<Omit<ReportServerOptions, 'socketPath' | 'token' | 'onReport'>> & {
  onReport?: (r: WorkerReport) => Promise<ReportAck>;
  /** Answers through the callback instead (as the Tuner does); wins over onReport. */
  answer?: (r: WorkerReport, answer: AnswerReport) => void;
};

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'tk-report-'));
  chmodSync(dir, 0o700);
  const socketPath = join(dir, 'report.sock');
  const token = randomBytes(32).toString('hex');
  const reports: WorkerReport[] = [];
  const rejected: string[] = [];
  const events: string[] = [];
  const server = await ReportServer.listen({
    worldSize: 4,
    ...options,
    socketPath,
    token,
    onReport: (r, answer) => {
      reports.push(r);
      if (options.answer) return options.answer(r, answer);
      return options.onReport ? options.onReport(r) : Promise.resolve({ checkpoint_dir_name: null });
    },
    onRejected: (what) => rejected.push(what),
    onConnect: (rank, pid) => events.push(`connect ${rank} ${pid}`),
    onDisconnect: (rank) => events.push(`disconnect ${rank}`),
  });
  return {
    server,
    dir,
    socketPath,
    token,
    reports,
    rejected,
    events,
    workerEnv: (rank) => ({
      TUNEKIT_REPORT_SOCKET: socketPath,
      TUNEKIT_REPORT_TOKEN: token,
      RANK: String(rank),
      LOCAL_RANK: String(rank),
      WORLD_SIZE: '4',
      LOCAL_WORLD_SIZE: '4',
    }),
    close: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface WorkerProcess {
  /** Writes to the worker's stdin, which stays open until stop() or the worker exits. */
  write(text: string): void;
  stop(): void;
  done: Promise<ProcessResult>;
}

/** Starts a worker with a clean environment: only what the test gives it, plus PATH. */
export function startWorker(argv: string[], env: Record<string, string>): WorkerProcess {
  const child = spawn(argv[0], argv.slice(1), {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', PYTHONDONTWRITEBYTECODE: '1', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.on('error', () => {});
  const done = new Promise<ProcessResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { write: (text) => child.stdin.write(text), stop: () => child.stdin.end(), done };
}

export function runWorker(argv: string[], env: Record<string, string>): Promise<ProcessResult> {
  const worker = startWorker(argv, env);
  worker.stop();
  return worker.done;
}

export function runPython(script: string, env: Record<string, string>, args: string[] = []): Promise<ProcessResult> {
  return runWorker(['/usr/bin/python3', '-c', script, ...args], { PYTHONPATH: pythonClientDir, ...env });
}

export function startPython(script: string, env: Record<string, string>, args: string[] = []): WorkerProcess {
  return startWorker(['/usr/bin/python3', '-c', script, ...args], { PYTHONPATH: pythonClientDir, ...env });
}

/** A Python worker that reports `count` results ({step, loss}) and checks every ack. */
export const steadyPythonWorker = `
import sys, time, tunekit
count = int(sys.argv[1])
for step in range(1, count + 1):
    name = tunekit.report({"step": step, "loss": 1.0 / step})
    assert name is None, name
    time.sleep(0.001)
print("reported", count)
`;

/** A Python worker that keeps reporting until its stdin closes, then says how many it sent. */
export const untilStoppedPythonWorker = `
import select, sys, time, tunekit
step = 0
while True:
    step += 1
    assert tunekit.report({"step": step}) is None
    if select.select([sys.stdin], [], [], 0.002)[0] and not sys.stdin.read(1):
        break
print("reported", step)
`;

/** A socket that speaks the protocol by hand, for tests that misbehave on purpose. */
export class RawPeer {
  readonly received: Record<string, unknown>[] = [];
  readonly closed: Promise<void>;
  private text = '';
  private wake: (() => void) | undefined;

  private constructor(private readonly socket: Socket) {
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      this.text += chunk.toString('utf8');
      let newline: number;
      while ((newline = this.text.indexOf('\n')) !== -1) {
        this.received.push(JSON.parse(this.text.slice(0, newline)) as Record<string, unknown>);
        this.text = this.text.slice(newline + 1);
      }
      this.wake?.();
    });
    this.closed = new Promise((resolve) => socket.on('close', () => resolve()));
    void this.closed.then(() => this.wake?.());
  }

  static connect(path: string): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const socket = connect(path);
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new RawPeer(socket));
      });
    });
  }

  /** Writes and resolves once the bytes are handed to the kernel (or the peer is gone). */
  send(data: string | Buffer): Promise<void> {
    return new Promise((resolve) => this.socket.write(data, () => resolve()));
  }

  /** The reply number `index` (0-based), waiting for it if needed. */
  async reply(index: number, timeoutMs = 3000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length <= index) {
      if (this.socket.destroyed && this.received.length <= index) throw new Error(`connection closed after ${this.received.length} replies`);
      if (Date.now() > deadline) throw new Error(`no reply ${index} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, 50);
      });
    }
    return this.received[index];
  }

  async hello(token: string, rank: number): Promise<Record<string, unknown>> {
    const index = this.received.length;
    await this.send(JSON.stringify({ type: 'hello', token, rank, pid: process.pid }) + '\n');
    return this.reply(index);
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** Resolves when `predicate` holds, polling briefly; fails after `timeoutMs`. */
export async function eventually(predicate: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
