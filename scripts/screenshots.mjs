// Regenerates the README's screenshots (docs/*.png) from the UI scenarios: runs them
// (test/ui/run.mjs: the packaged vsix in a fresh code-server), once in VS Code's default light
// theme and once in Dark Modern for the dark variants, and copies the shots they took.
//   node scripts/screenshots.mjs [file …]     (e.g. dashboard-dark.png; default: all of them)
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const docs = join(root, 'docs');

/** The workbench.colorTheme of each theme a shot may be taken in; light is VS Code's default. */
const THEMES = { light: undefined, dark: 'Default Dark Modern' };

/** docs/<file> ← the scenario's screenshot named <shot> (the runner numbers them: 02-<shot>.png), in `theme` (default light). */
const SHOTS = [
  { file: 'run-from-lens.png', scenario: 'quickstart-run', shot: 'running' },
  { file: 'finished-run.png', scenario: 'quickstart-run', shot: 'finished' },
  { file: 'finished-run-dark.png', scenario: 'quickstart-run', shot: 'finished', theme: 'dark' },
  { file: 'dashboard.png', scenario: 'asha-live-dashboard', shot: 'dashboard-asha40', optional: true },
  { file: 'dashboard-dark.png', scenario: 'asha-live-dashboard', shot: 'dashboard-asha40', theme: 'dark', optional: true },
  { file: 'resources-view.png', scenario: 'seed-resources', shot: 'resources-two-trials-hold-gpus' },
  { file: 'restore-event.png', scenario: 'worker-restore', shot: 'restore-event-in-tree' },
  { file: 'diagnostic.png', scenario: 'bad-spec', shot: 'diagnostic-hover' },
  { file: 'restricted-mode.png', scenario: 'untrusted-workspace', shot: 'run-refused-untrusted' },
];

function shotFile(artifacts, scenario, shot) {
  const dir = join(artifacts, scenario);
  if (!existsSync(dir)) return undefined;
  const name = readdirSync(dir).find((f) => f.replace(/^\d+-/, '') === `${shot}.png`);
  return name && join(dir, name);
}

const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !SHOTS.some((s) => s.file === w));
if (unknown.length) {
  process.stderr.write(`screenshots: unknown file(s) ${unknown.join(', ')}; known: ${SHOTS.map((s) => s.file).join(', ')}\n`);
  process.exit(2);
}
const chosen = wanted.length ? SHOTS.filter((s) => wanted.includes(s.file)) : SHOTS;

const artifacts = mkdtempSync(join(tmpdir(), 'tunekit-screenshots-'));
try {
  for (const theme of Object.keys(THEMES)) {
    const scenarios = [...new Set(chosen.filter((s) => (s.theme ?? 'light') === theme).map((s) => s.scenario))];
    if (!scenarios.length) continue;
    process.stdout.write(`screenshots: ${theme} theme: ${scenarios.join(', ')}\n`);
    const env = { ...process.env, TUNEKIT_UI_ARTIFACTS: join(artifacts, theme) };
    if (THEMES[theme]) env.TUNEKIT_UI_THEME = THEMES[theme];
    else delete env.TUNEKIT_UI_THEME;
    const run = spawnSync(process.execPath, [join(root, 'test', 'ui', 'run.mjs'), ...scenarios], { cwd: root, stdio: 'inherit', env });
    if (run.status !== 0) {
      process.stderr.write(`screenshots: the UI scenarios failed in the ${theme} theme (exit ${run.status ?? run.signal}); docs/ is left as it was\n`);
      process.exit(1);
    }
  }
  mkdirSync(docs, { recursive: true });
  for (const s of chosen) {
    const from = shotFile(join(artifacts, s.theme ?? 'light'), s.scenario, s.shot);
    if (!from) {
      if (s.optional) {
        process.stdout.write(`screenshots: ${s.file} not taken (the ${s.scenario} scenario skipped that step)\n`);
        continue;
      }
      process.stderr.write(`screenshots: ${s.scenario} took no "${s.shot}" screenshot\n`);
      process.exit(1);
    }
    copyFileSync(from, join(docs, s.file));
    process.stdout.write(`screenshots: docs/${s.file}\n`);
  }
} finally {
  rmSync(artifacts, { recursive: true, force: true });
}
