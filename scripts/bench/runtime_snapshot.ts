import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export interface RuntimeSnapshot {
  /** The `tunekit` command (bin/tunekit.js) of the copy. */
  bin: string;
  /** The Python client the copy puts on workers' PYTHONPATH. */
  pythonClientDir: string;
}

/**
 * Copies the built runtime (dist/, bin/, package.json and the spec schema it reads) into
 * `dest`, so that a rebuild in the checkout cannot pull files away in the middle of a run.
 */
export function snapshotRuntime(root: string, dest: string): RuntimeSnapshot {
  for (const part of ['dist', 'bin', 'package.json', join('runtime', 'spec', 'schema.json')]) {
    mkdirSync(join(dest, part, '..'), { recursive: true });
    cpSync(join(root, part), join(dest, part), { recursive: true });
  }
  return { bin: join(dest, 'bin', 'tunekit.js'), pythonClientDir: join(dest, 'dist', 'runtime', 'clients', 'python') };
}
