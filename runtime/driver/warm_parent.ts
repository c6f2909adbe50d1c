import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pythonClientDir } from '../tuner/worker_command';
import { withParentDeathSignal } from './worker_process';

/** What a forked worker needs; its stdout and stderr connect to `stdio` with `nonce`. */
export interface ForkRequest {
  argv: string[];
  module: string | null;
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdio: string;
  nonce: string;
}

export interface WorkerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

type ParentReply =
  | { ready: string[] }
  | { refused: string }
  | { forked: number; pid: number }
  | { exit: number; code: number | null; signal: NodeJS.Signals | null }
  | { learned: string[]; modules: number; s: number; declined: Record<string, string> }
  | { retired: string }
  | { unforked: number; error: string };

interface Forking {
  started: (pid: number) => void;
  failed: (err: Error) => void;
  exited: (exit: WorkerExit) => void;
}

/**
 * A Python process that has imported what the worker script imports and forks one fresh
 * worker per request (runtime/clients/python/tunekit/_warm_parent.py). Owned by one driver.
 */
export class WarmParent {
  readonly ready: Promise<string[]>;
  private readonly child: ChildProcess;
  private readonly forks = new Map<number, Forking>();
  private nextId = 0;
  private gone: string | undefined;
  private stderrTail = '';
  private retiredFor: string | undefined;
  private readonly notes: string[] = [];

  constructor(
    interpreter: string,
    warm: { target: string | null; module: string | null; imports: string[] | null },
    cwd: string,
    env: Record<string, string>,
    readyTimeoutMs: number,
    forArgv: string[],
  ) {
    const script = join(pythonClientDir(), 'tunekit', '_warm_parent.py');
    // The worker's argv on its command line says in `ps` what it is warm for, and its forks show the same.
    const [file, ...args] = withParentDeathSignal([interpreter, script, '--warm-for', ...forArgv]);
    this.child = spawn(file, args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    this.child.stdin!.on('error', () => undefined);
    this.child.stderr!.setEncoding('utf8').on('data', (text: string) => (this.stderrTail = (this.stderrTail + text).slice(-400)));
    let settle: { resolve: (m: string[]) => void; reject: (e: Error) => void };
    this.ready = new Promise((resolve, reject) => (settle = { resolve, reject }));
    this.ready.catch(() => undefined);
    const timer = setTimeout(() => {
      settle.reject(new Error(`the warm parent was not ready after ${readyTimeoutMs / 1000} s`));
      this.stop();
    }, readyTimeoutMs);
    timer.unref();
    createInterface({ input: this.child.stdout!, crlfDelay: Infinity }).on('line', (line) => {
      let reply: ParentReply;
      try {
        reply = JSON.parse(line) as ParentReply;
      } catch {
        return;
      }
      if ('ready' in reply) {
        clearTimeout(timer);
        settle.resolve(reply.ready);
      } else if ('refused' in reply) {
        clearTimeout(timer);
        settle.reject(new Error(reply.refused));
      } else if ('forked' in reply) {
        this.forks.get(reply.forked)?.started(reply.pid);
      } else if ('unforked' in reply) {
        const f = this.forks.get(reply.unforked);
        this.forks.delete(reply.unforked);
        f?.failed(new Error(reply.error));
      } else if ('retired' in reply) {
        this.retiredFor = reply.retired;
      } else if ('learned' in reply) {
        this.notes.push(...learnedNotes(reply));
      } else if ('exit' in reply) {
        const f = this.forks.get(reply.exit);
        this.forks.delete(reply.exit);
        f?.exited({ code: reply.code, signal: reply.signal });
      }
    });
    const onGone = (why: string) => {
      if (this.gone !== undefined) return;
      clearTimeout(timer);
      const tail = this.stderrTail.trim().split('\n').pop();
      this.gone = tail ? `${why}: ${tail}` : why;
      settle.reject(new Error(this.gone));
      for (const f of this.forks.values()) {
        f.failed(new Error(this.gone));
        // Its workers get SIGTERM from their parent-death signal; their exit is unknown to us.
        f.exited({ code: null, signal: null });
      }
      this.forks.clear();
    };
    this.child.on('error', (err) => onGone(`the warm parent could not start: ${err.message}`));
    this.child.on('close', (code, signal) => onGone(`the warm parent exited (${signal ?? `code ${code}`})`));
    this.child.stdin!.write(JSON.stringify(warm) + '\n');
  }

  /** Why it forks no more (an import it learned from a worker turned out unsafe in it). */
  get retired(): string | undefined {
    return this.retiredFor;
  }

  /** One-line notes about what it learned from its workers since the last call. */
  takeNotes(): string[] {
    return this.notes.splice(0);
  }

  get alive(): boolean {
    return this.gone === undefined;
  }

  /** Some worker it forked has not exited yet. */
  get busy(): boolean {
    return this.forks.size > 0;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Forks one worker; resolves with its pid, and `onExit` hears its exit status. */
  fork(request: ForkRequest, onExit: (exit: WorkerExit) => void): Promise<number> {
    if (this.gone !== undefined || this.retiredFor !== undefined) return Promise.reject(new Error(this.retiredFor ?? this.gone));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.forks.set(id, { started: resolve, failed: reject, exited: onExit });
      this.child.stdin!.write(JSON.stringify({ fork: id, ...request }) + '\n');
    });
  }

  /** Its forked workers lead their own sessions and outlive it only until their parent-death signal. */
  stop(): void {
    if (this.child.pid === undefined) return;
    try {
      process.kill(this.child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

function someOf(names: string[]): string {
  return names.length > 3 ? `${names.slice(0, 3).join(', ')}, …` : names.join(', ');
}

/** What a warm parent learned from its workers' imports (_warm_parent.py, _Learner), in trial notes. */
function learnedNotes(reply: { learned: string[]; modules: number; s: number; declined: Record<string, string> }): string[] {
  const notes: string[] = [];
  if (reply.learned.length) {
    // A package's submodules are listed before it (Python moves a package to the end of sys.modules once loaded).
    const packages = [...new Set(reply.learned.map((name) => name.split('.')[0]!))];
    notes.push(`the warm parent learned ${reply.modules} imports from earlier workers (${someOf(packages)}) and imported them in ${reply.s.toFixed(3)} s`);
  }
  const declined = Object.keys(reply.declined ?? {});
  if (declined.length) {
    notes.push(`the warm parent will not import ${someOf(declined)}, learned from earlier workers: ${reply.declined[declined[0]!]}`);
  }
  return notes;
}
