// A code-server in a folder of its own, for the e2e suite and the UI scenarios alike: fresh
// user-data and extension folders, everything it starts in one process group, the runtime's
// socket under the run's folder, and clean-up that finds what left that group (the daemon).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function settings(trustEnabled) {
  return {
    'workbench.startupEditor': 'none',
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'security.workspace.trust.enabled': trustEnabled,
    'security.workspace.trust.startupPrompt': 'always',
    'chat.disableAIFeatures': true,
    'git.enabled': false,
    'workbench.tips.enabled': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'workbench.layoutControl.enabled': false,
  };
}

function serverEnv(runDir, tools) {
  const env = { ...process.env, PATH: `${tools.nodeBin}:${process.env.PATH}`, TMPDIR: join(runDir, 'tmp') };
  delete env.XDG_RUNTIME_DIR; // so the runtime's socket folder lands under this run's TMPDIR
  return env;
}

function baseArgs(runDir) {
  return ['--config', join(runDir, 'config.yaml'), '--user-data-dir', join(runDir, 'ud'), '--extensions-dir', join(runDir, 'exts')];
}

/** Empty user-data and extension folders with quiet settings. */
export function prepareFolders(runDir, { trustEnabled = false } = {}) {
  for (const d of ['ud/User', 'exts', 'tmp']) mkdirSync(join(runDir, d), { recursive: true });
  writeFileSync(join(runDir, 'config.yaml'), 'bind-addr: 127.0.0.1:0\nauth: none\n');
  writeFileSync(join(runDir, 'ud', 'User', 'settings.json'), JSON.stringify(settings(trustEnabled), null, 2));
}

/** Fresh folders, then `code-server --install-extension`, the way a user installs a downloaded vsix. */
export function prepareAndInstall(runDir, tools, vsix, { trustEnabled = false } = {}) {
  prepareFolders(runDir, { trustEnabled });
  const r = spawnSync(tools.node, [tools.codeServer, ...baseArgs(runDir), '--install-extension', vsix], {
    env: serverEnv(runDir, tools),
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`installing ${vsix} failed (${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`);
  const installed = readdirSync(join(runDir, 'exts')).filter((d) => d.startsWith('tunekit.tunekit-'));
  if (installed.length !== 1) throw new Error(`expected one installed tunekit extension, found ${JSON.stringify(installed)}`);
  return join(runDir, 'exts', installed[0]);
}

/**
 * Starts code-server detached (its own process group) and resolves once /healthz answers.
 * `smokeDriver` loads VS Code's test driver, which the e2e suite needs and which hides
 * notifications, so the UI scenarios run without it.
 */
export async function startCodeServer(runDir, tools, { trustEnabled = false, smokeDriver = false } = {}) {
  const port = await freePort();
  const args = [
    ...baseArgs(runDir),
    '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
    '--disable-telemetry', '--disable-update-check', '--disable-getting-started-override',
    '--ignore-last-opened', '--reconnection-grace-time', '30',
    ...(trustEnabled ? [] : ['--disable-workspace-trust']),
    ...(smokeDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
  ];
  const log = join(runDir, 'cs.log');
  const out = openSync(log, 'a');
  const child = spawn(tools.node, [tools.codeServer, ...args], { detached: true, stdio: ['ignore', out, out], env: serverEnv(runDir, tools) });
  child.unref();
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return { pgid: child.pid, base: `http://127.0.0.1:${port}` };
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

/** TERM, then KILL, a process group led by `pgid` (or a lone process when it leads none). */
export async function killGroup(pgid) {
  if (!pgid) return;
  for (const signal of ['SIGTERM', 'SIGKILL']) {
    try {
      process.kill(-pgid, signal);
    } catch {
      try {
        process.kill(pgid, signal);
      } catch {
        return;
      }
    }
    for (let i = 0; i < 20 && alive(pgid); i++) await new Promise((r) => setTimeout(r, 100));
    if (!alive(pgid)) return;
  }
}

/** What a run left outside code-server's group: the runtime daemon (its own group, by design) and its workers. */
export function leftoversOf(runDir) {
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

export async function stopAll(runDir, pgid) {
  await killGroup(pgid);
  for (let round = 0; round < 3; round++) {
    const left = leftoversOf(runDir);
    if (!left.length) return;
    for (const pid of left) await killGroup(pid);
  }
}

/** The runtime daemon's log files under this run's TMPDIR (one folder per workspace). */
export function runtimeLogs(runDir) {
  const base = join(runDir, 'tmp');
  const found = [];
  if (!existsSync(base)) return found;
  for (const dir of readdirSync(base).filter((d) => d.startsWith('tunekit-'))) {
    for (const ws of readdirSync(join(base, dir))) {
      for (const file of readdirSync(join(base, dir, ws)).filter((f) => f.endsWith('.log'))) found.push(join(base, dir, ws, file));
    }
  }
  return found;
}

/** The extension's log channel files (one folder per extension host, so a window reload adds one). */
export function extensionLogs(runDir) {
  const logs = join(runDir, 'ud', 'logs');
  if (!existsSync(logs)) return [];
  const found = [];
  for (const session of readdirSync(logs)) {
    for (const host of readdirSync(join(logs, session)).filter((d) => d.startsWith('exthost'))) {
      const file = join(logs, session, host, 'tunekit.tunekit', 'Tunekit.log');
      if (existsSync(file)) found.push({ file, name: `extension-${session}-${host}.log` });
    }
  }
  return found;
}
