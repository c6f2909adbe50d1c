import { spawnSync } from 'node:child_process';

/**
 * The first interpreter of `candidates` that imports every module, or undefined. The
 * benchmarks' own Python may lack torch while Debian's /usr/bin/python3 has it.
 */
export function pythonWithModules(candidates: readonly string[], modules: readonly string[]): string | undefined {
  for (const python of new Set(candidates)) {
    const probe = spawnSync(python, ['-c', `import ${modules.join(', ')}`], { stdio: 'ignore', timeout: 60_000 });
    if (probe.status === 0) return python;
  }
  return undefined;
}
