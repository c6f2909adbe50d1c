// Builds what the e2e suite runs against, for both hosts that run it: code-server in Chromium
// (run.mjs, in npm test) and desktop VS Code through @vscode/test-electron (desktop.mjs).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');

export function buildSuite(runDir) {
  const built = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit', cwd: root });
  if (built.status !== 0) throw new Error('the build failed');
  if (!existsSync(join(root, 'dist', 'runtime', 'server.js'))) throw new Error('dist/runtime/server.js is missing: the runtime server was not built');
  const bundled = spawnSync(
    process.execPath,
    [
      '-e',
      `require('esbuild').buildSync({ entryPoints: [${JSON.stringify(join(root, 'test/e2e/suite/index.ts'))}], outfile: ${JSON.stringify(suiteFile(runDir))},
        bundle: true, external: ['vscode'], format: 'cjs', platform: 'node', target: 'node20', sourcemap: 'inline', logLevel: 'warning' })`,
    ],
    { stdio: 'inherit', cwd: root },
  );
  if (bundled.status !== 0) throw new Error('bundling the e2e suite failed');
}

/** Outside out/, which any concurrent `npm run build` wipes. */
export function suiteFile(runDir) {
  return join(runDir, 'suite', 'suite.js');
}

/** The examples, without results from earlier runs, in a fresh folder. */
export function makeWorkspace(runDir) {
  const ws = join(runDir, 'workspace');
  cpSync(join(root, 'examples'), ws, { recursive: true, filter: (src) => !/(^|\/)(tunekit_results|__pycache__)(\/|$)/.test(src) });
  return ws;
}

