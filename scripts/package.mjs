// `npm run package`: builds the bundles, checks they need nothing but Node's built-ins, packs
// the .vsix with vsce (no node_modules: everything is bundled), checks what went into it, and
// runs a real experiment with the CLI unpacked from it, far from any node_modules.
//   node scripts/package.mjs [--no-smoke] [--json]
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { inflateRawSync } from 'node:zlib';

const root = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
export const VSIX = join(root, `${manifest.name}-${manifest.version}.vsix`);

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
/** systeminformation requires these on macOS only, inside try/catch; Linux never loads them. */
const OPTIONAL_MAC_ONLY = new Set(['osx-temperature-sensor', 'macos-temperature-sensor']);
/** What the installed extension cannot work without. */
const REQUIRED = [
  'extension/package.json',
  'extension/readme.md', // vsce's name for README.md
  'extension/LICENSE.txt', // and for LICENSE
  'extension/dist/THIRD_PARTY_NOTICES.txt',
  'extension/dist/extension.js',
  'extension/dist/runtime/server.js',
  'extension/dist/runtime/driver.js',
  'extension/dist/runtime/cli.js',
  'extension/dist/runtime/clients/node/tunekit/index.js',
  'extension/dist/runtime/clients/python/tunekit/__init__.py',
  'extension/dist/webview/dashboard.js',
  'extension/dist/webview/dashboard.css',
  'extension/runtime/spec/schema.json',
  'extension/resources/tunekit.svg',
];
const FORBIDDEN = [/^extension\/(test|out|node_modules|extension|protocol|webview|scripts|examples)\//, /\.ts$/, /\.map$/, /__pycache__/, /\.vsix$/];

function jsFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return jsFiles(path);
    return name.endsWith('.js') ? [path] : [];
  });
}

/**
 * Modules a bundle requires that are neither Node built-ins nor allowed for it. A `require("x")`
 * right after a quote is code that a library generates as text (ajv does), not a call.
 */
export function foreignRequires(file) {
  const allowed = file.endsWith('/dist/extension.js') ? new Set(['vscode']) : new Set();
  const found = new Set();
  for (const m of readFileSync(file, 'utf8').matchAll(/(.)require\("([^"]+)"\)/g)) {
    const [, before, name] = m;
    if (before === '"' || before === "'" || before === '`' || BUILTINS.has(name) || allowed.has(name) || OPTIONAL_MAC_ONLY.has(name)) continue;
    found.add(name);
  }
  return [...found];
}

/** The entries of a zip file: name, sizes and where the data starts (central directory only). */
export function zipEntries(file) {
  const buf = readFileSync(file);
  let end = buf.length - 22;
  while (end >= 0 && buf.readUInt32LE(end) !== 0x06054b50) end--;
  if (end < 0) throw new Error(`${file} is not a zip file`);
  const entries = [];
  let at = buf.readUInt32LE(end + 16);
  for (let i = 0; i < buf.readUInt16LE(end + 10); i++) {
    const nameLength = buf.readUInt16LE(at + 28);
    const local = buf.readUInt32LE(at + 42);
    entries.push({
      name: buf.toString('utf8', at + 46, at + 46 + nameLength),
      method: buf.readUInt16LE(at + 10),
      compressedSize: buf.readUInt32LE(at + 20),
      size: buf.readUInt32LE(at + 24),
      dataAt: local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28),
    });
    at += 46 + nameLength + buf.readUInt16LE(at + 30) + buf.readUInt16LE(at + 32);
  }
  return { buf, entries };
}

export function unzip(file, dest) {
  const { buf, entries } = zipEntries(file);
  for (const e of entries) {
    if (e.name.split('/').includes('..') || e.name.startsWith('/')) throw new Error(`${file} holds an unsafe name: ${e.name}`);
    const raw = buf.subarray(e.dataAt, e.dataAt + e.compressedSize);
    const data = e.method === 8 ? inflateRawSync(raw) : raw;
    mkdirSync(dirname(join(dest, e.name)), { recursive: true });
    writeFileSync(join(dest, e.name), data);
  }
}

export function contentProblems(names) {
  const problems = REQUIRED.filter((r) => !names.includes(r)).map((r) => `missing ${r}`);
  for (const n of names) if (FORBIDDEN.some((f) => f.test(n))) problems.push(`should not ship ${n}`);
  return problems;
}

function run(command, args, options = {}) {
  const r = spawnSync(command, args, { cwd: root, encoding: 'utf8', ...options });
  if (r.status !== 0) throw new Error(`${[command, ...args].join(' ')} exited with ${r.status ?? r.signal}\n${r.stdout ?? ''}${r.stderr ?? ''}`);
  return r.stdout ?? '';
}

const SMOKE_SPEC = `trainer:
  command: [python3, train.py]
  scaling_config: {num_workers: 1, resources_per_worker: {CPU: 1}, trainer_resources: {CPU: 0}}
param_space:
  train_loop_config: {x: {grid_search: [1, 2]}}
tune_config: {metric: score, mode: max}
run_config: {name: smoke, stop: {training_iteration: 3}}
`;
const SMOKE_WORKER = `import os, tempfile, tunekit
x = tunekit.get_config()["x"]
for i in range(3):
    with tempfile.TemporaryDirectory() as d:
        open(os.path.join(d, "w.txt"), "w").write(str(i))
        tunekit.report({"score": x * i}, checkpoint=d)
`;

/** Runs a two-trial experiment with the CLI as unpacked from the vsix, in a folder with no node_modules above it. */
function smokeRun(vsix) {
  const scratch = mkdtempSync(join(tmpdir(), 'tunekit-vsix-'));
  try {
    unzip(vsix, join(scratch, 'unpacked'));
    mkdirSync(join(scratch, 'exp'));
    writeFileSync(join(scratch, 'exp', 'smoke.tune.yaml'), SMOKE_SPEC);
    writeFileSync(join(scratch, 'exp', 'train.py'), SMOKE_WORKER);
    const cli = join(scratch, 'unpacked', 'extension', 'dist', 'runtime', 'cli.js');
    const out = run(process.execPath, [cli, 'run', join(scratch, 'exp', 'smoke.tune.yaml'), '--json'], { cwd: scratch, env: { ...process.env, NODE_PATH: '' } });
    const summary = JSON.parse(out);
    const done = summary.trials.filter((t) => t.status === 'TERMINATED').length;
    if (done !== 2) throw new Error(`the unpacked CLI ended ${done} of 2 trials well:\n${out}`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Builds and checks the vsix; returns where it is, its size and its files. `out` keeps a run's
 * vsix apart from another run's (the UI runner and the bench each pack their own).
 */
export function packageVsix({ smoke = true, out = VSIX, log = (line) => process.stderr.write(`[package] ${line}\n`) } = {}) {
  log('building');
  run(process.execPath, [join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
  const foreign = jsFiles(join(root, 'dist')).flatMap((f) => foreignRequires(f).map((m) => `${relative(root, f)} requires ${m}`));
  if (foreign.length) throw new Error(`the bundles need modules that do not ship (bundle them):\n  ${foreign.join('\n  ')}`);
  rmSync(out, { force: true });
  log(`packing ${out}`);
  // The README's screenshots (docs/) stay in the repository; with no repository URL to point
  // them at, vsce would refuse the relative links, so they are left as written.
  run(join(root, 'node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', out]);
  const names = zipEntries(out).entries.map((e) => e.name);
  const problems = contentProblems(names);
  if (problems.length) throw new Error(`${out} is not what should ship:\n  ${problems.join('\n  ')}`);
  if (smoke) {
    log('running an experiment with the CLI unpacked from it');
    smokeRun(out);
  }
  return { path: out, bytes: statSync(out).size, files: names.filter((n) => n.startsWith('extension/')) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const result = packageVsix({ smoke: !process.argv.includes('--no-smoke') });
    if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(result)}\n`);
    else process.stdout.write(`${result.path}: ${(result.bytes / 1024 / 1024).toFixed(2)} MiB, ${result.files.length} files\n`);
  } catch (e) {
    process.stderr.write(`package: ${e.message}\n`);
    process.exit(1);
  }
}
