/**
 * Runs a short command without ever blocking or hanging the caller: asynchronous, with a
 * deadline and an output cap. The child gets its own process group so that a timeout also
 * kills whatever it started (a shell script's `sleep` would otherwise keep our pipes open).
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';

export type RunOutcome =
  | { kind: 'exited'; code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }
  | { kind: 'timed-out' }
  | { kind: 'output-too-large' }
  | { kind: 'not-started'; message: string };

export interface BoundedRunOptions {
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  maxOutputBytes?: number;
  cwd?: string;
}

export function runBounded(file: string, args: string[], opts: BoundedRunOptions): Promise<RunOutcome> {
  const maxBytes = opts.maxOutputBytes ?? 1 << 20;
  return new Promise((resolve) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (outcome: RunOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    let child: ChildProcessByStdio<null, Readable, Readable>;
    try {
      child = spawn(file, args, {
        env: opts.env,
        cwd: opts.cwd,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: process.platform !== 'win32',
        windowsHide: true,
      });
    } catch (error) {
      finish({ kind: 'not-started', message: error instanceof Error ? error.message : String(error) });
      return;
    }
    const killGroup = (): void => {
      try {
        if (child.pid !== undefined && process.platform !== 'win32') process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        // Already gone.
      }
    };
    timer = setTimeout(() => {
      killGroup();
      finish({ kind: 'timed-out' });
    }, opts.timeoutMs);

    const chunks = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
    let bytes = 0;
    for (const stream of ['stdout', 'stderr'] as const) {
      child[stream].on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes > maxBytes) {
          killGroup();
          finish({ kind: 'output-too-large' });
        } else chunks[stream].push(chunk);
      });
    }
    child.on('error', (error) => finish({ kind: 'not-started', message: error.message }));
    child.on('close', (code, signal) =>
      finish({
        kind: 'exited',
        code,
        signal,
        stdout: Buffer.concat(chunks.stdout).toString('utf8'),
        stderr: Buffer.concat(chunks.stderr).toString('utf8'),
      }),
    );
  });
}
