// Runs the extension's integration tests inside a real VS Code: code-server (VS Code's
// server and web workbench) opened by Debian's chromium through playwright-core, with this
// repository as the extension under development and out/e2e/suite.js as its tests.
// Always kills what it started: code-server's process group and the runtime daemon.
//   node test/e2e/run.mjs            (npm run test:e2e)
//   TUNEKIT_E2E_TIMEOUT_S=300  TUNEKIT_E2E_ARTIFACTS=<dir>  TUNEKIT_E2E_CACHE=<tools cache>
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTools } from './tools.mjs';
import { openWorkbench } from './workbench.mjs';

const root = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
const timeoutS = Number(process.env.TUNEKIT_E2E_TIMEOUT_S || 300);
const artifacts = process.env.TUNEKIT_E2E_ARTIFACTS || join(root, 'out', 'e2e', 'artifacts');
const say = (line) => process.stdout.write(`[e2e] ${line}\n`);

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function build(runDir) {
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
function suiteFile(runDir) {
  return join(runDir, 'suite', 'suite.js');
}

/** The examples, without results from earlier runs, in a fresh folder. */
function makeWorkspace(runDir) {
  const ws = join(runDir, 'workspace');
  cpSync(join(root, 'examples'), ws, { recursive: true, filter: (src) => !/(^|\/)(tunekit_results|__pycache__)(\/|$)/.test(src) });
  return ws;
}

async function startCodeServer(runDir, port, tools) {
  for (const d of ['ud/User', 'exts', 'tmp']) mkdirSync(join(runDir, d), { recursive: true });
  writeFileSync(join(runDir, 'config.yaml'), 'bind-addr: 127.0.0.1:0\n');
  writeFileSync(
    join(runDir, 'ud', 'User', 'settings.json'),
    JSON.stringify({
      'workbench.startupEditor': 'none',
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'extensions.ignoreRecommendations': true,
      'security.workspace.trust.enabled': false,
      'chat.disableAIFeatures': true,
      'git.enabled': false,
      'workbench.tips.enabled': false,
    }),
  );
  const env = { ...process.env, PATH: `${tools.nodeBin}:${process.env.PATH}`, TMPDIR: join(runDir, 'tmp') };
  delete env.XDG_RUNTIME_DIR; // so the runtime's socket folder lands under this run's TMPDIR
  const args = [
    '--config', join(runDir, 'config.yaml'), '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    '--ignore-last-opened', '--reconnection-grace-time', '30',
    '--user-data-dir', join(runDir, 'ud'), '--extensions-dir', join(runDir, 'exts'),
    '--vscode-option', 'enable-smoke-test-driver',
  ];
  const log = join(runDir, 'cs.log');
  const out = openSync(log, 'a');
  // detached = setsid: code-server and everything it starts share one process group to kill.
  const child = spawn(tools.node, [tools.codeServer, ...args], { detached: true, stdio: ['ignore', out, out], env });
  child.unref();
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return child.pid;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`code-server did not start; see ${log}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function killPid(pid) {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Kills a process group that `pgid` leads; a process that leads none is left to killPid. */
async function killGroup(pgid) {
  if (!pgid) return;
  for (const signal of ['SIGTERM', 'SIGKILL']) {
    try {
      process.kill(-pgid, signal);
    } catch {
      return;
    }
    for (let i = 0; i < 20 && alive(pgid); i++) await new Promise((r) => setTimeout(r, 100));
    if (!alive(pgid)) return;
  }
}

/**
 * What this run left outside code-server's group: the runtime daemon (its own group by
 * design, as it outlives windows) and any worker it started, found by this run's folder.
 */
function leftoversOf(runDir) {
  const found = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      const cwd = readlinkSync(`/proc/${name}/cwd`);
      if (cmdline.includes(runDir) || cwd.startsWith(runDir)) found.push(Number(name));
    } catch {
      // exited meanwhile, or not ours to read
    }
  }
  return found;
}

function collectArtifacts(runDir) {
  mkdirSync(artifacts, { recursive: true });
  if (existsSync(join(runDir, 'cs.log'))) copyFileSync(join(runDir, 'cs.log'), join(artifacts, 'code-server.log'));
  const base = join(runDir, 'tmp');
  for (const dir of existsSync(base) ? readdirSync(base).filter((d) => d.startsWith('tunekit-')) : []) {
    for (const ws of readdirSync(join(base, dir))) {
      for (const file of readdirSync(join(base, dir, ws)).filter((f) => f.endsWith('.log'))) {
        copyFileSync(join(base, dir, ws, file), join(artifacts, `runtime-${ws}-${file}`));
      }
    }
  }
}

async function main() {
  const tools = ensureTools(say);
  const runDir = mkdtempSync(join(tmpdir(), 'tunekit-e2e-'));
  let pgid;
  let summary;
  let code = 1;
  let cleaned;
  const cleanUp = () =>
    (cleaned ??= (async () => {
      await killGroup(pgid);
      for (const pid of leftoversOf(runDir)) await killGroup(pid);
      for (const pid of leftoversOf(runDir)) await killPid(pid);
      collectArtifacts(runDir);
      if (process.env.TUNEKIT_E2E_KEEP) say(`kept ${runDir}`);
      else rmSync(runDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    })());
  const abort = async (why, exitCode) => {
    say(why);
    await cleanUp();
    process.stdout.write(`0 passed, 1 failed (${why})\n`);
    process.exit(exitCode);
  };
  process.once('SIGINT', () => abort('interrupted', 130));
  process.once('SIGTERM', () => abort('terminated', 143));
  // Whatever hangs (the build, code-server, the browser), the processes still get killed.
  setTimeout(() => abort(`gave up after ${timeoutS + 120} s`, 124), (timeoutS + 120) * 1000).unref();
  try {
    rmSync(artifacts, { recursive: true, force: true });
    mkdirSync(artifacts, { recursive: true });
    say('building');
    build(runDir);
    const workspace = makeWorkspace(runDir);
    const port = await freePort();
    pgid = await startCodeServer(runDir, port, tools);
    say(`code-server on port ${port} (process group ${pgid}); workspace ${workspace}`);
    const result = await openWorkbench({
      base: `http://127.0.0.1:${port}`,
      workspace,
      extensionPath: root,
      testsPath: suiteFile(runDir),
      chromeDir: join(runDir, 'chrome'),
      timeoutMs: timeoutS * 1000,
      artifacts,
      onLog: (line) => process.stdout.write(`${line}\n`),
    });
    code = result.code;
    if (code === 124) summary = `0 passed, 1 failed (timed out after ${timeoutS} s)`;
    else summary = result.summary ?? `0 passed, 1 failed (the suite exited with ${code} before its summary)`;
  } catch (e) {
    say(`error: ${e.stack ?? e}`);
    summary = '0 passed, 1 failed (the run could not start)';
  } finally {
    await cleanUp();
  }
  say(`artefacts: ${artifacts}`);
  process.stdout.write(`${summary}\n`);
  process.exit(code);
}

await main();
