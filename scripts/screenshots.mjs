// Regenerates the README's screenshots (docs/*.png) from the UI scenarios: runs them
// (test/ui/run.mjs: the packaged vsix in a fresh code-server) and copies the shots they took.
//   node scripts/screenshots.mjs
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const docs = join(root, 'docs');

/** docs/<file> ← the scenario's screenshot named <shot> (the runner numbers them: 02-<shot>.png). */
const SHOTS = [
  { file: 'run-from-lens.png', scenario: 'quickstart-run', shot: 'running' },
  { file: 'finished-run.png', scenario: 'quickstart-run', shot: 'finished' },
  { file: 'dashboard.png', scenario: 'quickstart-run', shot: 'dashboard-curves', optional: true },
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

const artifacts = mkdtempSync(join(tmpdir(), 'tunekit-screenshots-'));
try {
  const scenarios = [...new Set(SHOTS.map((s) => s.scenario))];
  const run = spawnSync(process.execPath, [join(root, 'test', 'ui', 'run.mjs'), ...scenarios], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, TUNEKIT_UI_ARTIFACTS: artifacts },
  });
  if (run.status !== 0) {
    process.stderr.write(`screenshots: the UI scenarios failed (exit ${run.status ?? run.signal}); docs/ is left as it was\n`);
    process.exit(1);
  }
  mkdirSync(docs, { recursive: true });
  for (const s of SHOTS) {
    const from = shotFile(artifacts, s.scenario, s.shot);
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
