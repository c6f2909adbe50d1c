import { execFileSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

const PYTHON_NAMES = new Set(['python', 'python3']);

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here.
    }
  }
  return undefined;
}

/**
 * Resolves `python`/`python3` once to the real interpreter (asking it for sys.executable),
 * so trials never start through a shim (a pyenv shim costs ~117 ms per spawn).
 * TUNEKIT_PYTHON picks the interpreter explicitly.
 */
export function resolveWorkerCommand(command: string[], cwd: string, env: NodeJS.ProcessEnv): string[] {
  const [first, ...rest] = command;
  if (PYTHON_NAMES.has(first)) {
    const chosen = env.TUNEKIT_PYTHON || onPath(first, env);
    if (!chosen) throw new Error(`${first} was not found on PATH; install Python 3 or set TUNEKIT_PYTHON`);
    const real = execFileSync(chosen, ['-c', 'import sys; print(sys.executable)'], { env, encoding: 'utf8' }).trim();
    return [real || chosen, ...rest];
  }
  if (first.includes('/')) return [isAbsolute(first) ? first : resolve(cwd, first), ...rest];
  const found = onPath(first, env);
  if (!found) throw new Error(`${first} was not found on PATH`);
  return [found, ...rest];
}

/** The directory holding the zero-dependency Python client, put on workers' PYTHONPATH. */
export function pythonClientDir(): string {
  const candidates = [
    join(__dirname, 'clients/python'),
    join(__dirname, '../clients/python'),
    join(__dirname, '../../../runtime/clients/python'),
  ];
  const found = candidates.find((c) => existsSync(join(c, 'tunekit', '__init__.py')));
  if (!found) throw new Error(`the tunekit Python client was not found (looked in ${candidates.join(', ')})`);
  return found;
}

/** The directory holding the Node client as a `tunekit` package, put on workers' NODE_PATH. */
export function nodeClientDir(): string | undefined {
  const candidates = [join(__dirname, 'clients/node'), join(__dirname, '../../../dist/runtime/clients/node')];
  return candidates.find((c) => existsSync(join(c, 'tunekit', 'index.js')));
}
