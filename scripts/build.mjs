// Builds two things: dist/ (esbuild bundles that ship) and out/ (every source file
// transpiled one-to-one, so tests can import modules without bundling them).
import * as esbuild from 'esbuild';
import { cpSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const sourceDirs = ['protocol', 'runtime', 'test', 'scripts'];

function tsFiles(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...tsFiles(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) found.push(path);
  }
  return found;
}

rmSync(join(root, 'out'), { recursive: true, force: true });
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

rmSync(join(root, 'dist'), { recursive: true, force: true });
await esbuild.build({
  entryPoints: {
    'runtime/cli': join(root, 'runtime/cli/main.ts'),
    'runtime/driver': join(root, 'runtime/driver/main.ts'),
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

// The Python client ships as source: workers import it from PYTHONPATH, no install step.
cpSync(join(root, 'runtime/clients/python'), join(root, 'dist/runtime/clients/python'), {
  recursive: true,
  filter: (src) => !src.includes('__pycache__'),
});
