// The same e2e suite in desktop VS Code, the way extension authors run integration tests:
// @vscode/test-electron downloads VS Code (the engines.vscode minor unless
// TUNEKIT_VSCODE_VERSION says otherwise) and runs test/e2e/suite in its extension host.
// It needs a machine that can download VS Code; where none can (our CI), npm test runs the
// suite in code-server instead (test/e2e/run.mjs).
//   npm run test:e2e:desktop        (xvfb-run -a npm run test:e2e:desktop on a headless Linux)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { buildSuite, makeWorkspace, suiteFile } from './suite_build.mjs';

const root = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
const runDir = mkdtempSync(join(tmpdir(), 'tunekit-e2e-desktop-'));
let code = 1;
try {
  buildSuite(runDir);
  const workspace = makeWorkspace(runDir);
  code = await runTests({
    version: process.env.TUNEKIT_VSCODE_VERSION ?? '1.95.3',
    extensionDevelopmentPath: root,
    extensionTestsPath: suiteFile(runDir),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', join(runDir, 'user-data')],
  });
} catch (err) {
  process.stderr.write(`e2e (desktop VS Code): ${err instanceof Error ? err.message : err}\n`);
} finally {
  rmSync(runDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
}
process.exit(code);
