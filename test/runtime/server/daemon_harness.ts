import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-languageserver/node';
import { RuntimeNotifications, type StateDelta } from '../../../protocol/runtime_api';
import { REPO } from '../cli_harness';

export const SERVER = join(REPO, 'dist', 'runtime', 'server.js');

/**
 * A Python worker with only the standard library: reports `loss` every `sleep` s with a
 * checkpoint, resuming from one, until the Tuner stops it (run_config.stop, or an extension).
 */
export const WORKER = `
import json, os, tempfile, time, tunekit
cfg = tunekit.get_config()
step = 0
ckpt = tunekit.get_checkpoint()
if ckpt:
    with open(os.path.join(ckpt, "step.json")) as f:
        step = json.load(f)["step"]
while step < 100000:
    step += 1
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, "step.json"), "w") as f:
            json.dump({"step": step}, f)
        tunekit.report({"loss": cfg["lr"] / step}, checkpoint=tmp)
    time.sleep(cfg["sleep"])
`;

/** Three trials (lr 0.1, 0.2, 0.3) of `steps` iterations each. */
export function tinySpec(name: string, steps: number, sleepS: number): string {
  return `
trainer:
  command: [python3, worker.py]
  train_loop_config: {sleep: ${sleepS}}
  scaling_config: {num_workers: 1, trainer_resources: {CPU: 0}, resources_per_worker: {CPU: 0.5}}
param_space:
  train_loop_config:
    lr: {grid_search: [0.1, 0.2, 0.3]}
tune_config: {metric: loss, mode: min}
run_config:
  name: ${name}
  stop: {training_iteration: ${steps}}
  checkpoint_config: {num_to_keep: 2}
`;
}

/** A scratch folder holding a private (0700) socket directory and the worker. */
export function workspace(): { dir: string; socketDir: string; socket: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'tunekit-server-'));
  const socketDir = join(dir, 'run');
  mkdirSync(socketDir);
  chmodSync(socketDir, 0o700);
  writeFileSync(join(dir, 'worker.py'), WORKER);
  return { dir, socketDir, socket: join(socketDir, 'rt.sock'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Daemon {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr: () => string;
}

export function spawnDaemon(args: string[]): Daemon {
  const child = spawn(process.execPath, [SERVER, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, exited, stderr: () => stderr };
}

export async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface Client {
  rpc: MessageConnection;
  sock: Socket;
  deltas: StateDelta[];
  messages: Array<{ severity: string; message: string }>;
  close: () => Promise<void>;
}

function tryConnect(path: string): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const sock = connect(path);
    sock.once('connect', () => resolve(sock));
    sock.once('error', () => resolve(undefined));
  });
}

/** Plain JSON-RPC over the socket, retrying until the daemon listens. */
export async function attach(path: string, timeoutMs = 5000): Promise<Client> {
  const sock = await waitFor(() => tryConnect(path), timeoutMs, `the daemon to listen on ${path}`);
  const rpc = createMessageConnection(new StreamMessageReader(sock), new StreamMessageWriter(sock));
  const deltas: StateDelta[] = [];
  const messages: Client['messages'] = [];
  rpc.onNotification(RuntimeNotifications.stateDelta.method, (d: StateDelta) => deltas.push(d));
  rpc.onNotification(RuntimeNotifications.userMessage.method, (m: Client['messages'][number]) => messages.push(m));
  rpc.listen();
  const close = () =>
    new Promise<void>((resolve) => {
      rpc.dispose();
      sock.once('close', () => resolve());
      sock.end();
    });
  return { rpc, sock, deltas, messages, close };
}

/** Socket inodes of the process's open file descriptors. */
function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]);
    } catch {
      // Closed meanwhile.
    }
  }
  return inodes;
}

/** TCP sockets in LISTEN state (st 0A) owned by the process, from /proc/net/tcp and tcp6. */
export function tcpListeners(pid: number): string[] {
  const mine = socketInodes(pid);
  const found: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length > 9 && cols[3] === '0A' && mine.has(cols[9])) found.push(`${table}: ${cols[1]}`);
    }
  }
  return found;
}
