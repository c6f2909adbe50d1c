// Whole-product UI scenarios: the packaged .vsix installed into a fresh code-server (no
// smoke-test driver, so notifications and dialogs show as a user sees them), driven by
// playwright-core in Debian's chromium. Each scenario gets its own server, workspace and
// artefact folder (out/ui/artifacts/<scenario>/: screenshots, runtime, extension and
// code-server logs, CSP violations). Ends with `N passed, N failed`; exits non-zero on failure.
//   node test/ui/run.mjs [scenario …]          (npm run test:ui)
//   TUNEKIT_UI_ARTIFACTS=<dir>  TUNEKIT_UI_TIMEOUT_S=<whole run, default 600>  TUNEKIT_UI_KEEP=1
//   TUNEKIT_UI_THEME=<workbench.colorTheme, e.g. "Default Dark Modern"; default: VS Code's light default>
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { chromium } from 'playwright-core';
import { packageVsix, VSIX } from '../../scripts/package.mjs';
import { CHROMIUM, ensureTools } from '../e2e/tools.mjs';
import { openSession } from './session.mjs';
import { SCENARIOS } from './scenarios/index.mjs';

const root = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
const artifactsRoot = process.env.TUNEKIT_UI_ARTIFACTS || join(root, 'out', 'ui', 'artifacts');
const timeoutS = Number(process.env.TUNEKIT_UI_TIMEOUT_S || 600);
const say = (line) => process.stdout.write(`[ui] ${line}\n`);

const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !SCENARIOS.some((s) => s.name === w));
if (unknown.length) {
  process.stderr.write(`unknown scenario(s): ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}\n`);
  process.exit(2);
}
const chosen = wanted.length ? SCENARIOS.filter((s) => wanted.includes(s.name)) : SCENARIOS;

let browser;
let current;
/** This run's own vsix, so that a concurrent run or `npm run package` cannot swap it mid-run. */
const vsixDir = mkdtempSync(join(tmpdir(), 'tunekit-ui-vsix-'));
const results = [];

async function cleanUp() {
  await current?.close().catch((e) => say(`cleanup: ${e.message}`));
  current = undefined;
  await browser?.close().catch(() => undefined);
  rmSync(vsixDir, { recursive: true, force: true });
}

async function abort(why, code) {
  say(why);
  await cleanUp();
  const passed = results.filter((r) => r.ok).length;
  process.stdout.write(`${passed} passed, ${chosen.length - passed} failed (${why})\n`);
  process.exit(code);
}
process.once('SIGINT', () => void abort('interrupted', 130));
process.once('SIGTERM', () => void abort('terminated', 143));
// Whatever hangs (packaging, code-server, the browser), the processes still get killed.
setTimeout(() => void abort(`gave up after ${timeoutS} s`, 124), timeoutS * 1000).unref();

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took more than ${ms / 1000} s`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function runScenario(scenario, tools, vsix) {
  const artifacts = join(artifactsRoot, scenario.name);
  rmSync(artifacts, { recursive: true, force: true });
  const started = Date.now();
  say(`▶ ${scenario.name}: ${scenario.title}`);
  let error;
  try {
    current = await openSession({ scenario, tools, vsix, browser, artifacts, say });
    await withTimeout(scenario.run(current), scenario.timeoutMs ?? 120_000, scenario.name);
    const ours = current.violations.filter((v) => v.ours);
    if (ours.length) throw new Error(`a Tunekit webview broke its Content-Security-Policy: ${JSON.stringify(ours[0])}`);
  } catch (e) {
    error = e;
    await current?.shot('failure').catch(() => undefined);
  } finally {
    await current?.close().catch((e) => say(`cleanup: ${e.message}`));
    current = undefined;
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (error) {
    say(`✖ ${scenario.name} (${seconds} s)\n    ${(error.stack ?? String(error)).split('\n').join('\n    ')}\n    artefacts: ${artifacts}`);
  } else say(`✔ ${scenario.name} (${seconds} s)`);
  results.push({ name: scenario.name, ok: !error });
}

async function main() {
  mkdirSync(artifactsRoot, { recursive: true });
  const tools = ensureTools(say);
  const { path: vsix, bytes } = packageVsix({ out: join(vsixDir, basename(VSIX)), log: say });
  say(`${vsix} (${(bytes / 1024 / 1024).toFixed(2)} MiB)`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  for (const scenario of chosen) await runScenario(scenario, tools, vsix);
}

let code = 0;
try {
  await main();
} catch (e) {
  say(`error: ${e.stack ?? e}`);
  code = 1;
} finally {
  await cleanUp();
}
const passed = results.filter((r) => r.ok).length;
const failed = chosen.length - passed;
if (failed) say(`artefacts of failed scenarios are under ${artifactsRoot}`);
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exit(code || (failed ? 1 : 0));
