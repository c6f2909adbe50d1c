import { join } from 'node:path';
import { spawnReadyChildren } from './ready_children';

export interface PipeIngest {
  lines: number;
  seconds: number;
}

/**
 * The raw-ingest baseline: `children` Python processes write `linesEach` report lines to
 * their stdout, read here with readline, timed from the go signal to the last line read.
 */
export async function measurePipeIngest(python: string, workersDir: string, children: number, linesEach: number): Promise<PipeIngest> {
  const expected = children * linesEach;
  let lines = 0;
  let lastLineAt = 0n;
  const group = await spawnReadyChildren(python, () => [join(workersDir, 'pipe_lines.py'), String(linesEach)], children, () => {
    if (++lines === expected) lastLineAt = process.hrtime.bigint();
  });
  const started = process.hrtime.bigint();
  group.go();
  await group.exited;
  if (lines !== expected) throw new Error(`pipe baseline read ${lines} lines, ${expected} were written`);
  return { lines, seconds: Number(lastLineAt - started) / 1e9 };
}
