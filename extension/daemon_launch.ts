/**
 * Spawn-or-attach for the runtime daemon: connect to the workspace's socket, and only
 * when nobody answers start the daemon detached (its own session and process group,
 * output to a log file) so it outlives the window, then connect to it.
 * Plain Node: tested with a fake daemon.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { leanHeapFlags } from '../protocol/node_flags';
import type { RuntimeLocation } from './runtime_location';

export interface LaunchOptions {
  location: RuntimeLocation;
  /** The daemon's entry script (dist/runtime/server.js). */
  serverScript: string;
  /** The Node to run it with: the extension host's own. */
  execPath: string;
  env: NodeJS.ProcessEnv;
  /** How long a freshly spawned daemon may take to listen. */
  startTimeoutMs?: number;
  log?: (message: string) => void;
}

export interface Attached {
  socket: Socket;
  /** Whether this call started the daemon (vs. found one running). */
  spawned: boolean;
  pid?: number;
}

/** A spawn lock older than this is left over from a window that died mid-spawn. */
const STALE_LOCK_MS = 20_000;

export function connectSocket(socketPath: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    socket.once('connect', () => {
      socket.removeListener('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function tail(file: string, lines = 5): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Holds `<dir>/spawn.lock` so two windows opening at once start one daemon, not two. */
function tryLock(dir: string): boolean {
  const lock = join(dir, 'spawn.lock');
  try {
    mkdirSync(lock);
    return true;
  } catch {
    try {
      if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) {
        rmSync(lock, { recursive: true, force: true });
        mkdirSync(lock);
        return true;
      }
    } catch {
      // Another window took it between our checks: it spawns, we wait.
    }
    return false;
  }
}

export async function connectOrSpawn(options: LaunchOptions): Promise<Attached> {
  const { location, log = () => undefined } = options;
  try {
    return { socket: await connectSocket(location.socketPath), spawned: false };
  } catch {
    // Nobody listens yet: fall through and start it.
  }
  const deadline = Date.now() + (options.startTimeoutMs ?? 15_000);
  const locked = tryLock(location.dir);
  let exited: string | undefined;
  let pid: number | undefined;
  try {
    if (locked) {
      // The lock is ours and nobody answered, so a socket file left here is a dead daemon's.
      try {
        unlinkSync(location.socketPath);
      } catch {
        // none left behind
      }
      const out = openSync(location.logFile, 'a', 0o600);
      try {
        const child = spawn(options.execPath, [...leanHeapFlags(process.versions), options.serverScript, '--socket', location.socketPath], {
          cwd: location.dir,
          detached: true,
          stdio: ['ignore', out, out],
          env: { ...options.env, ELECTRON_RUN_AS_NODE: '1' },
        });
        pid = child.pid;
        child.once('exit', (code, signal) => (exited = `exited with ${code ?? signal}`));
        child.once('error', (e) => (exited = `could not start: ${e.message}`));
        child.unref();
        log(`started the runtime (pid ${pid}): ${options.execPath} ${options.serverScript} --socket ${location.socketPath}`);
      } finally {
        closeSync(out);
      }
    } else log('another window is starting the runtime; waiting for it');
    for (;;) {
      try {
        return { socket: await connectSocket(location.socketPath), spawned: locked, pid };
      } catch (e) {
        if (exited !== undefined || Date.now() > deadline) {
          const why = exited ?? `did not listen within ${options.startTimeoutMs ?? 15_000} ms (${(e as Error).message})`;
          const last = tail(location.logFile);
          throw new Error(`The Tunekit runtime ${why}.${last ? `\n${last}` : ''}`);
        }
        await sleep(100);
      }
    }
  } finally {
    if (locked) rmSync(join(location.dir, 'spawn.lock'), { recursive: true, force: true });
  }
}
