import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * runtime/spec/schema.json, read from the package root: the file ships as is (VS Code reads
 * it for completion), and neither out/ nor the bundle in dist/ holds a copy of it.
 */
export function readSpecSchema(): Record<string, unknown> {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${__dirname} to find runtime/spec/schema.json from`);
    dir = parent;
  }
  return JSON.parse(readFileSync(join(dir, 'runtime', 'spec', 'schema.json'), 'utf8')) as Record<string, unknown>;
}
