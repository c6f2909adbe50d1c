/**
 * A small test runner for inside the extension host: tests run one after another, each
 * with a timeout; the summary line is `N passed, N failed`, and run() rejects on failure.
 */
export interface Case {
  name: string;
  timeoutMs: number;
  run: () => Promise<void>;
}

const cases: Case[] = [];

export function test(name: string, run: () => Promise<void>, timeoutMs = 30_000): void {
  cases.push({ name, run, timeoutMs });
}

/** Polls `probe` until it returns a truthy value; the value is returned. */
export async function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function withTimeout(c: Case): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${c.timeoutMs} ms`)), c.timeoutMs);
  });
  return Promise.race([c.run(), timeout]).finally(() => clearTimeout(timer));
}

export async function runAll(log: (line: string) => void): Promise<{ passed: number; failed: number }> {
  let passed = 0;
  let failed = 0;
  for (const c of cases) {
    const started = Date.now();
    try {
      await withTimeout(c);
      passed++;
      log(`✔ ${c.name} (${Date.now() - started} ms)`);
    } catch (e) {
      failed++;
      log(`✖ ${c.name} (${Date.now() - started} ms)\n    ${((e as Error).stack ?? String(e)).split('\n').join('\n    ')}`);
    }
  }
  log(`${passed} passed, ${failed} failed`);
  return { passed, failed };
}
