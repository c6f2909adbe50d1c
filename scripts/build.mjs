// Builds two things: dist/ (esbuild bundles that ship) and out/ (every source file
// transpiled one-to-one, so tests can import modules without bundling them).
import * as esbuild from 'esbuild';
import { cpSync, existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

function jsFiles(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...jsFiles(path));
    else if (name.endsWith('.js')) found.push(path);
  }
  return found;
}
const sourceDirs = ['protocol', 'runtime', 'extension', 'test', 'scripts'];

function tsFiles(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...tsFiles(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) found.push(path);
  }
  return found;
}

// No wholesale rm: several builds may overlap a test run, so outputs are replaced in place
// and files whose source is gone are pruned afterwards.
const entryPoints = sourceDirs.flatMap((d) => tsFiles(join(root, d)));
await esbuild.build({
  entryPoints,
  outdir: join(root, 'out'),
  outbase: root,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: 'inline',
  logLevel: 'warning',
});

const expected = new Set(entryPoints.map((p) => join(root, 'out', relative(root, p)).replace(/\.ts$/, '.js')));
for (const dir of sourceDirs) {
  const outDir = join(root, 'out', dir);
  if (!existsSync(outDir)) continue;
  for (const file of jsFiles(outDir)) if (!expected.has(file)) rmSync(file);
}

await esbuild.build({
  entryPoints: {
    'runtime/cli': join(root, 'runtime/cli/main.ts'),
    'runtime/driver': join(root, 'runtime/driver/main.ts'),
    'runtime/server': join(root, 'runtime/server/main.ts'),
    // NODE_PATH=dist/runtime/clients/node lets a Node worker `require('tunekit')`.
    'runtime/clients/node/tunekit/index': join(root, 'runtime/clients/node/tunekit.ts'),
  },
  outdir: join(root, 'dist'),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
});

// The VS Code extension: one bundle, vscode provided by the host (issue: VS Code extension).
await esbuild.build({
  entryPoints: { extension: join(root, 'extension/main.ts') },
  outdir: join(root, 'dist'),
  bundle: true,
  external: ['vscode'],
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
});

// The Python client ships as source: workers import it from PYTHONPATH, no install step.
cpSync(join(root, 'runtime/clients/python'), join(root, 'dist/runtime/clients/python'), {
  recursive: true,
  filter: (src) => !src.includes('__pycache__'),
});
