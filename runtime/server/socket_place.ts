/**
 * The daemon's Unix socket: its directory must be private (0700, ours), a live socket
 * means another daemon already serves it, and a dead one is replaced.
 */
import { connect, type Server } from 'node:net';
import { chmod, lstat, stat, unlink } from 'node:fs/promises';

/** Why the directory is unsafe for the socket, or undefined when it is fine. */
export async function socketDirProblem(dir: string): Promise<string | undefined> {
  let info;
  try {
    info = await lstat(dir);
  } catch {
    return `the socket directory ${dir} does not exist; create it with mode 0700 first`;
  }
  if (!info.isDirectory()) return `${dir} is not a directory; the socket must live in a private directory (mode 0700)`;
  const uid = process.getuid?.();
  if (uid !== undefined && info.uid !== uid) return `the socket directory ${dir} belongs to uid ${info.uid}, not to this user (${uid}); refusing to serve from it`;
  const mode = info.mode & 0o777;
  if (mode !== 0o700) return `the socket directory ${dir} has mode ${mode.toString(8).padStart(4, '0')}; it must be 0700 so no other user can reach the runtime`;
  return undefined;
}

/** Whether something accepts connections on the socket now. */
export function isServing(path: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect(path);
    const done = (serving: boolean) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(serving);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

function listenOn(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(path, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

export type ListenOutcome = { listening: true; inode: number } | { listening: false };

/**
 * Listens on `path` unless another daemon serves it. The socket is created 0600 (umask), so
 * there is no moment where another user could connect, even before the chmod.
 */
export async function listenOnce(server: Server, path: string): Promise<ListenOutcome> {
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await isServing(path)) return { listening: false };
    const previous = process.umask(0o177);
    try {
      await listenOn(server, path);
      await chmod(path, 0o600);
      return { listening: true, inode: (await stat(path)).ino };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      // Serving now (a racing daemon won), or a stale file left by a killed daemon.
      if (await isServing(path)) return { listening: false };
      await unlink(path).catch(() => undefined);
    } finally {
      process.umask(previous);
    }
  }
  throw new Error(`could not listen on ${path}: it kept being taken and released`);
}

/** Removes the socket file if it is still the one this daemon created. */
export async function removeOwnSocket(path: string, inode: number): Promise<void> {
  try {
    if ((await lstat(path)).ino === inode) await unlink(path);
  } catch {
    // Already gone.
  }
}
