// Prettier over the paths it owns so far: `node scripts/format.mjs` rewrites them, `--check` only
// reports (the lint layer of scripts/test.mjs runs that). The list grows a folder at a time, in a
// commit of its own, when nobody has that folder open (ARCHITECTURE.md, "Tools that hold the rules").
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const FORMATTED_PATHS = [
  '.prettierrc.json',
  'eslint.config.mjs',
  'scripts/format.mjs',
  'test/unit/architecture',
  'runtime/resources',
  'runtime/schedulers',
  'runtime/search',
];

const root = new URL('..', import.meta.url).pathname;

if (import.meta.url === `file://${process.argv[1]}`) {
  const mode = process.argv.includes('--check') ? '--check' : '--write';
  const child = spawn(join(root, 'node_modules', '.bin', 'prettier'), [mode, '--log-level=warn', ...FORMATTED_PATHS], {
    cwd: root,
    stdio: 'inherit',
  });
  child.on('close', (code) => process.exit(code ?? 1));
}
