// One scenario's world: a copy of examples/ as the workspace, the vsix installed into fresh
// folders, a code-server, and a browser page on it. close() always kills every process the
// scenario started and leaves the logs, screenshots and CSP report in its artefact folder.
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extensionLogs, prepareAndInstall, runtimeLogs, startCodeServer, stopAll } from '../e2e/code_server.mjs';
import { watchCsp } from './csp_watch.mjs';
import { exposeTestHook } from './dashboard.mjs';
import { installRowReader, waitForWorkbench } from './workbench.mjs';

const root = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');

function copyExamples(workspace) {
  cpSync(join(root, 'examples'), workspace, { recursive: true, filter: (src) => !/(^|\/)(tunekit_results|__pycache__)(\/|$)/.test(src) });
}

/** The whole run in another colour theme (the README's dark screenshots): the user setting a user would change. */
function useColorTheme(runDir, theme) {
  const file = join(runDir, 'ud', 'User', 'settings.json');
  writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), 'workbench.colorTheme': theme }, null, 2));
}

export async function openSession({ scenario, tools, vsix, browser, artifacts, say }) {
  const runDir = mkdtempSync(join(tmpdir(), 'tunekit-ui-'));
  const workspace = join(runDir, 'workspace');
  const trustEnabled = !!scenario.untrusted;
  mkdirSync(artifacts, { recursive: true });
  let pgid;
  let context;
  let shots = 0;
  const session = {
    runDir,
    workspace,
    artifacts,
    violations: [],
    page: undefined,
    extensionDir: undefined,
    base: undefined,
    step: (text) => say(`  · ${text}`),
    async shot(name) {
      const file = join(artifacts, `${String(++shots).padStart(2, '0')}-${name}.png`);
      await session.page.screenshot({ path: file });
      return file;
    },
    /** Whether the installed extension contributes a command (the dashboard may not exist yet). */
    hasCommand(id) {
      return !!session.contributedCommand(id);
    },
    contributedCommand(id) {
      const manifest = JSON.parse(readFileSync(join(session.extensionDir, 'package.json'), 'utf8'));
      return (manifest.contributes?.commands ?? []).find((c) => c.command === id);
    },
    /** The extension's own log lines, across reloads. */
    extensionLog() {
      return extensionLogs(runDir).map((l) => readFileSync(l.file, 'utf8')).join('');
    },
    async close() {
      // A browser stuck on a dead server must not keep the processes alive: close it for 10 s at most.
      await Promise.race([context?.close().catch(() => undefined), new Promise((r) => setTimeout(r, 10_000).unref())]);
      await stopAll(runDir, pgid);
      const copy = (from, name) => existsSync(from) && copyFileSync(from, join(artifacts, name));
      copy(join(runDir, 'cs.log'), 'code-server.log');
      for (const log of runtimeLogs(runDir)) copy(log, 'runtime.log');
      for (const log of extensionLogs(runDir)) copy(log.file, log.name);
      writeFileSync(join(artifacts, 'csp-violations.json'), JSON.stringify(session.violations, null, 2));
      if (process.env.TUNEKIT_UI_KEEP) say(`  kept ${runDir}`);
      else rmSync(runDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    },
  };
  try {
    copyExamples(workspace);
    session.extensionDir = prepareAndInstall(runDir, tools, vsix, { trustEnabled });
    if (process.env.TUNEKIT_UI_THEME) useColorTheme(runDir, process.env.TUNEKIT_UI_THEME);
    await scenario.prepare?.(session);
    const server = await startCodeServer(runDir, tools, { trustEnabled });
    pgid = server.pgid;
    session.base = server.base;
    context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    session.violations = await watchCsp(context);
    await exposeTestHook(context);
    session.page = await context.newPage();
    await installRowReader(session.page);
    await session.page.goto(`${server.base}/?folder=${encodeURIComponent(workspace)}`);
    if (!scenario.untrusted) await waitForWorkbench(session.page);
    return session;
  } catch (e) {
    await session.close();
    throw e;
  }
}
