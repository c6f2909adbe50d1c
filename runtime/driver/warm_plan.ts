import { basename } from 'node:path';

/** What a warm parent runs in each forked worker: a script path or a module (`python -m`). */
export type WarmTarget = { target: string; module: null; argv: string[] } | { target: null; module: string; argv: string[] };

/** Room for a worker's own variables in /proc/<pid>/environ (_warm_parent.py). */
const ENV_ROOM_BYTES = 32 * 1024;

/** Environment variables a forked worker gets after the fork: nothing reads them at import. */
const AFTER_FORK = new Set([
  'RANK',
  'LOCAL_RANK',
  'WORLD_SIZE',
  'LOCAL_WORLD_SIZE',
  'GROUP_RANK',
  'NODE_RANK',
  'MASTER_ADDR',
  'MASTER_PORT',
  // Read by the CUDA driver when CUDA is initialised, which a warm parent never does.
  'CUDA_VISIBLE_DEVICES',
  'CUDA_DEVICE_ORDER',
]);

/**
 * Which of a worker's variables may be set after the fork. Everything else (OMP/MKL thread
 * counts, PYTHONPATH, the spec's env) is the warm parent's own environment, so libraries
 * that read it at import see the worker's value: a worker whose other variables differ
 * needs another warm parent.
 */
export function setAfterFork(name: string): boolean {
  return AFTER_FORK.has(name) || name.startsWith('TUNEKIT_');
}

/** The environment a warm parent for this worker starts with. */
export function warmParentEnv(workerEnv: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(workerEnv)) {
    if (value !== undefined && !setAfterFork(name)) env[name] = value;
  }
  // Even a library that probes devices at import sees none, and creates no CUDA context.
  env.CUDA_VISIBLE_DEVICES = '';
  // Last, so it ends the environment block: each worker writes its own variables there.
  env.TUNEKIT_WARM_ENV_ROOM = ' '.repeat(ENV_ROOM_BYTES);
  return env;
}

/** One key per distinct warm parent: same interpreter, target, cwd, imports and import-time env. */
export function warmKey(command: string[], cwd: string, imports: string[] | null, parentEnv: Record<string, string>): string {
  const env = Object.keys(parentEnv).sort().map((k) => [k, parentEnv[k]]);
  return JSON.stringify([command, cwd, imports, env]);
}

/**
 * How `python script.py args` or `python -m module args` runs in a forked worker, or why
 * this command starts cold. Interpreter options other than -u (PYTHONUNBUFFERED is set
 * anyway) change the interpreter itself, so they start cold.
 */
export function warmTarget(command: string[]): WarmTarget | { cold: string } {
  const [interpreter, ...rest] = command;
  if (!interpreter || !/^python(\d+(\.\d+)*)?$/.test(basename(interpreter))) {
    return { cold: 'warm start is for Python workers; this command is not a Python interpreter' };
  }
  let i = 0;
  while (rest[i] === '-u') i++;
  const first = rest[i];
  if (first === '-m' && rest[i + 1]) return { target: null, module: rest[i + 1], argv: [rest[i + 1], ...rest.slice(i + 2)] };
  if (first === undefined || first === '-' || first.startsWith('-')) {
    return { cold: `warm start runs \`python script.py\` or \`python -m module\`, not \`${[basename(interpreter), ...rest].join(' ')}\`` };
  }
  return { target: first, module: null, argv: rest.slice(i) };
}
