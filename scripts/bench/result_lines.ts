import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Lines persisted in a trial's result.json (0 when it was never written). */
export function resultLineCount(trialDir: string): number {
  let text: string;
  try {
    text = readFileSync(join(trialDir, 'result.json'), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  let lines = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  return lines;
}
