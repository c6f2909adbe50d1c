/** Finds a program on a given PATH, so detection can be pointed at a fake in tests. */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';

export async function findExecutable(name: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const names = process.platform === 'win32' ? [`${name}.exe`, name] : [name];
  // Relative PATH entries would make the answer depend on the current directory; skip them.
  const dirs = (env.PATH ?? env.Path ?? '').split(delimiter).filter((dir) => dir !== '' && isAbsolute(dir));
  for (const dir of dirs) {
    for (const candidate of names.map((n) => join(dir, n))) {
      try {
        await access(candidate, constants.X_OK);
        if ((await stat(candidate)).isFile()) return candidate;
      } catch {
        // Not here; try the next directory.
      }
    }
  }
  return undefined;
}
