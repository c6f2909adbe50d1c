import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ReadyChildren {
  /** Releases every child by writing the go line to its stdin. */
  go(): void;
  /** Resolves once every child has exited 0. */
  exited: Promise<void>;
}

/**
 * Starts `count` children that each print `ready`, then wait for a line on stdin; resolves
 * once all are ready, so that what is timed after go() leaves interpreter start-up out.
 * Every later stdout line goes to `onLine`.
 */
export function spawnReadyChildren(
  command: string,
  argsOf: (index: number) => string[],
  count: number,
  onLine: (index: number, line: string) => void,
): Promise<ReadyChildren> {
  return new Promise((resolveReady, rejectReady) => {
    const procs: ChildProcess[] = [];
    let readyCount = 0;
    const exits: Promise<void>[] = [];
    for (let i = 0; i < count; i++) {
      const args = argsOf(i);
      const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });
      procs.push(child);
      let ready = false;
      createInterface({ input: child.stdout!, crlfDelay: Infinity }).on('line', (line) => {
        if (ready) return onLine(i, line);
        ready = true;
        if (++readyCount === count) resolveReady({ go: () => procs.forEach((p) => p.stdin!.end('go\n')), exited: Promise.all(exits).then(() => undefined) });
      });
      exits.push(
        new Promise((resolve, reject) => {
          const fail = (err: Error) => {
            // The others would wait for their go line until this process exits.
            for (const other of procs) if (other.exitCode === null) other.kill();
            rejectReady(err);
            reject(err);
          };
          child.once('error', fail);
          child.once('close', (code) => (code === 0 ? resolve() : fail(new Error(`${command} ${args.join(' ')} exited with code ${code}`))));
        }),
      );
    }
    // A failure after everyone was ready surfaces through `exited`; this only keeps it from being unhandled early.
    for (const e of exits) e.catch(() => undefined);
  });
}
