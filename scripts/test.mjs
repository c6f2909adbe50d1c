// Runs every test layer and ends with one line `N passed, N failed[, N skipped]`:
//   lint (typescript-eslint over every .ts file, prettier --check over the paths scripts/format.mjs
//   lists: one count each), unit, runtime, security and browser tests (out/test/**, Node's runner), then the
//   extension's tests inside a real VS Code (test/e2e/run.mjs: code-server + Debian chromium),
//   then the whole-product UI scenarios on the packaged .vsix (test/ui/run.mjs).
// `node scripts/test.mjs unit` (or lint, runtime, security, browser, e2e, ui, slurm) runs those layers only.
// The e2e and ui layers need /usr/bin/chromium; without it they are skipped with the reason,
// unless TUNEKIT_REQUIRE_E2E=1 (set by .ci/run), where a missing browser is a failure.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const root = new URL('..', import.meta.url).pathname;
const layers = process.argv.slice(2);
const base = join(root, 'out', 'test');

function testFiles(dir) {
  if (!existsSync(dir)) return [];
  const found = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...testFiles(path));
    else if (name.endsWith('.test.js')) found.push(path);
  }
  return found;
}

/** Runs a command, echoing its output, and returns its exit code and every output line. */
function run(command, args, env = process.env) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = [];
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      process.stdout.write(line + '\n');
    });
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), lines }));
  });
}

function tapCount(lines, key) {
  const line = [...lines].reverse().find((l) => l.startsWith(`# ${key} `));
  return line ? Number(line.split(' ')[2]) : 0;
}

const totals = { passed: 0, failed: 0, skipped: 0 };
let exit = 0;

if (!layers.length || layers.includes('lint')) {
  const checks = [
    ['eslint', join(root, 'node_modules', '.bin', 'eslint'), ['--max-warnings=0', '.']],
    ['prettier --check', process.execPath, [join(root, 'scripts', 'format.mjs'), '--check']],
  ];
  for (const [name, command, args] of checks) {
    const result = await run(command, args);
    process.stdout.write(`lint: ${name} ${result.code === 0 ? 'passed' : 'failed'}\n`);
    if (result.code === 0) totals.passed++;
    else {
      totals.failed++;
      exit = 1;
    }
  }
}

const VSCODE_LAYERS = { e2e: 'test/e2e/run.mjs', ui: 'test/ui/run.mjs' };
const OWN_LAYERS = new Set([...Object.keys(VSCODE_LAYERS), 'slurm', 'lint']);
const nodeLayers = layers.length ? layers.filter((l) => !OWN_LAYERS.has(l)) : ['unit', 'runtime', 'security', 'browser'];
const files = nodeLayers.flatMap((l) => testFiles(join(base, l)));
if (nodeLayers.length) {
  if (files.length === 0) {
    console.error('no test files found under', nodeLayers.map((l) => join(base, l)).join(', '));
    process.exit(1);
  }
  const node = await run(process.execPath, ['--test', '--test-reporter=tap', '--test-concurrency=2', ...files]);
  totals.passed += tapCount(node.lines, 'pass');
  totals.failed += tapCount(node.lines, 'fail') + tapCount(node.lines, 'cancelled');
  totals.skipped += tapCount(node.lines, 'skipped');
  if (node.code !== 0) exit = 1;
}

for (const [layer, script] of Object.entries(VSCODE_LAYERS)) {
  if (layers.length && !layers.includes(layer)) continue;
  if (!existsSync('/usr/bin/chromium') && process.env.TUNEKIT_REQUIRE_E2E !== '1') {
    process.stdout.write(`${layer}: skipped: /usr/bin/chromium is missing (apt-get install chromium libkrb5-dev fonts-liberation; .ci/run does)\n`);
    totals.skipped++;
    continue;
  }
  const result = await run(process.execPath, [join(root, script)]);
  const summary = [...result.lines].reverse().map((l) => /(\d+) passed, (\d+) failed/.exec(l)).find(Boolean);
  totals.passed += summary ? Number(summary[1]) : 0;
  totals.failed += summary ? Number(summary[2]) : 1;
  if (result.code !== 0) exit = 1;
}

// The slurm layer runs against a real one-host Slurm cluster (munged, slurmctld, two slurmd as
// two nodes, fake GPUs as GRES) that test/slurm/lab.sh starts and stops by PID; it needs root
// and Debian's slurm-wlm and munge (.ci/run installs them and sets TUNEKIT_REQUIRE_SLURM=1).
if (!layers.length || layers.includes('slurm')) {
  const lab = join(root, 'test', 'slurm', 'lab.sh');
  const why = !existsSync('/usr/sbin/slurmctld') ? 'Slurm is not installed (apt-get install slurm-wlm munge; .ci/run does)'
    : process.getuid?.() !== 0 ? 'starting a test cluster needs root' : undefined;
  if (why && process.env.TUNEKIT_REQUIRE_SLURM !== '1') {
    process.stdout.write(`slurm: skipped: ${why}\n`);
    totals.skipped++;
  } else {
    // One test cluster per machine at a time: its daemons use fixed ports and munge's socket.
    const unlock = await labLock(join(process.env.TMPDIR ?? '/tmp', 'tunekit-slurm-test-lab.lock'));
    const labDir = join(process.env.TMPDIR ?? '/tmp', 'tunekit-slurm-test-lab');
    const labEnv = { ...process.env, LAB: labDir, NODES: '2', GPUS: '2', CPUS: '2', SLURM_CONF: join(labDir, 'etc', 'slurm.conf') };
    const started = await run('bash', [lab, 'start'], labEnv);
    if (started.code !== 0) {
      process.stdout.write('slurm: the test cluster did not start\n');
      totals.failed++;
      exit = 1;
    } else {
      try {
        const slurmFiles = testFiles(join(base, 'slurm'));
        const result = await run(process.execPath, ['--test', '--test-reporter=tap', '--test-concurrency=1', ...slurmFiles], labEnv);
        totals.passed += tapCount(result.lines, 'pass');
        totals.failed += tapCount(result.lines, 'fail') + tapCount(result.lines, 'cancelled');
        totals.skipped += tapCount(result.lines, 'skipped');
        if (result.code !== 0) exit = 1;
      } finally {
        await run('bash', [lab, 'stop'], labEnv);
      }
    }
    unlock();
  }
}

if (exit !== 0 && totals.failed === 0) totals.failed = 1;

/** A lock directory holding its owner's pid; a dead owner's lock is taken over. */
async function labLock(dir) {
  for (;;) {
    try {
      mkdirSync(dir);
      writeFileSync(join(dir, 'pid'), String(process.pid));
      return () => rmSync(dir, { recursive: true, force: true });
    } catch {
      let owner = 0;
      try {
        owner = Number(readFileSync(join(dir, 'pid'), 'utf8'));
        process.kill(owner, 0);
      } catch {
        // A dead owner; or none written yet, which only a lock left for a while means is stale.
        const age = existsSync(dir) ? Date.now() - statSync(dir).mtimeMs : 0;
        if (owner || age > 10_000) rmSync(dir, { recursive: true, force: true });
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}
process.stdout.write(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
process.exit(exit);
