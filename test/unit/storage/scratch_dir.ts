/** A fresh directory under the OS temp dir for each test, removed when the test ends. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

export function scratchDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'tunekit-storage-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function enospc(): NodeJS.ErrnoException {
  return Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28 });
}
