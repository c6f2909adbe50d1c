// Opens code-server's workbench in headless chromium with our extension in development
// mode and the test module as extensionTestsPath; the workbench calls
// window.codeAutomationExit(code) when the tests settle (needs enable-smoke-test-driver).
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM } from './tools.mjs';

const SUMMARY = /^\d+ passed, \d+ failed$/;
// The browser console repeats gallery and telemetry lookups that cannot work offline.
const NOISE = /ENOTFOUND|ERR_NAME_NOT_RESOLVED|marketplace|gallery|Failed to load resource/i;

function text(arg) {
  return typeof arg === 'string' ? arg : JSON.stringify(arg);
}

/** A suite line `e2e-screenshot NAME` asks for `<artifacts>/NAME.png`; the suite waits for the file. */
const SCREENSHOT = /^e2e-screenshot ([\w-]+)$/;

export async function openWorkbench({ base, workspace, extensionPath, testsPath, chromeDir, timeoutMs, artifacts, onLog }) {
  const remote = (path) => `vscode-remote://${new URL(base).host}${path}`;
  const payload = JSON.stringify([
    ['extensionDevelopmentPath', remote(extensionPath)],
    ['extensionTestsPath', remote(testsPath)],
    ['skipWelcome', 'true'],
    ['extensionEnvironment', JSON.stringify({ TUNEKIT_E2E_ARTIFACTS: artifacts })],
  ]);
  const context = await chromium.launchPersistentContext(chromeDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  let summary;
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    let finish;
    const exited = new Promise((resolve) => (finish = resolve));
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const line = (args ?? []).map(text).join(' ');
      if (NOISE.test(line)) return;
      const shot = SCREENSHOT.exec(line.trim());
      if (shot) {
        void page.screenshot({ path: join(artifacts, `${shot[1]}.png`) }).catch((e) => onLog(`[e2e] no screenshot: ${e.message}`));
        return;
      }
      for (const l of line.split('\n')) if (SUMMARY.test(l.trim())) summary = l.trim();
      onLog(`[ext-host ${type}] ${line}`);
    });
    await page.exposeFunction('codeAutomationExit', (code) => finish(code));
    await page.goto(`${base}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(payload)}`);
    let timer;
    const code = await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(() => resolve(124), timeoutMs)))]);
    clearTimeout(timer);
    await page.screenshot({ path: join(artifacts, 'closing.png') }).catch((e) => onLog(`[e2e] no screenshot: ${e.message}`));
    return { code, summary };
  } finally {
    await context.close().catch(() => undefined);
  }
}
