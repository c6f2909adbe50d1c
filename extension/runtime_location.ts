/**
 * Where the runtime daemon of a workspace lives: a private folder per user and workspace
 * holding its socket and its log. Two windows on one workspace find the same daemon;
 * other users cannot reach it (0700, owner checked).
 */
import { createHash } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export interface RuntimeLocation {
  /** The private folder (0700). */
  dir: string;
  socketPath: string;
  /** The daemon's stdout and stderr. */
  logFile: string;
}

export interface LocationInputs {
  xdgRuntimeDir?: string;
  tmpdir: string;
  uid: number;
}

/** Unix socket paths are cut at 108 bytes on Linux and 104 on macOS. */
const MAX_SOCKET_PATH = 100;

export function workspaceHash(workspaceKey: string): string {
  return createHash('sha256').update(workspaceKey).digest('hex').slice(0, 16);
}

/** The folder that holds every workspace's folder: already private under XDG_RUNTIME_DIR, made private under tmp. */
export function baseDirOf(inputs: LocationInputs): string {
  return inputs.xdgRuntimeDir ? join(inputs.xdgRuntimeDir, 'tunekit') : join(inputs.tmpdir, `tunekit-${inputs.uid}`);
}

export function runtimeLocation(workspaceKey: string, inputs: LocationInputs): RuntimeLocation {
  let dir = join(baseDirOf(inputs), workspaceHash(workspaceKey));
  if (Buffer.byteLength(join(dir, 'runtime.sock')) > MAX_SOCKET_PATH) {
    dir = join(baseDirOf({ tmpdir: '/tmp', uid: inputs.uid }), workspaceHash(workspaceKey));
  }
  return { dir, socketPath: join(dir, 'runtime.sock'), logFile: join(dir, 'runtime.log') };
}

/**
 * Creates `dir` (and its parent) 0700 and refuses one that another user owns or that is a
 * symlink: a shared tmp folder is where another user could plant a socket for us to talk to.
 */
export function ensurePrivateDir(dir: string, uid: number): void {
  for (const path of [join(dir, '..'), dir]) {
    mkdirSync(path, { recursive: true, mode: 0o700 });
    const st = lstatSync(path);
    if (!st.isDirectory() || st.isSymbolicLink()) throw new Error(`${path} is not a plain folder`);
    if (st.uid !== uid) throw new Error(`${path} belongs to another user (uid ${st.uid})`);
    if ((st.mode & 0o077) !== 0) chmodSync(path, 0o700);
  }
}
