// Runs the extension's integration tests inside a real VS Code: code-server (VS Code's
// server and web workbench) opened by Debian's chromium through playwright-core, with this
// repository as the extension under development and out/e2e/suite.js as its tests.
// Always kills what it started: code-server's process group and the runtime daemon.
//   node test/e2e/run.mjs            (npm run test:e2e)
//   TUNEKIT_E2E_TIMEOUT_S=300  TUNEKIT_E2E_ARTIFACTS=<dir>  TUNEKIT_E2E_CACHE=<tools cache>
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { prepareFolders, runtimeLogs, startCodeServer, stopAll } from './code_server.mjs';
import { buildSuite as build, makeWorkspace, suiteFile } from './suite_build.mjs';
import { ensureTools } from './tools.mjs';
import { openWorkbench } from './workbench.mjs';

const root = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
const timeoutS = Number(process.env.TUNEKIT_E2E_TIMEOUT_S || 300);
const artifacts = process.env.TUNEKIT_E2E_ARTIFACTS || join(root, 'out', 'e2e', 'artifacts');
const say = (line) => process.stdout.write(`[e2e] ${line}\n`);

function collectArtifacts(runDir) {
  mkdirSync(artifacts, { recursive: true });
  if (existsSync(join(runDir, 'cs.log'))) copyFileSync(join(runDir, 'cs.log'), join(artifacts, 'code-server.log'));
  for (const log of runtimeLogs(runDir)) copyFileSync(log, join(artifacts, `runtime-${basename(dirname(log))}-${basename(log)}`));
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
      await stopAll(runDir, pgid);
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
    prepareFolders(runDir);
    const server = await startCodeServer(runDir, tools, { smokeDriver: true });
    pgid = server.pgid;
    say(`code-server at ${server.base} (process group ${pgid}); workspace ${workspace}`);
    const result = await openWorkbench({
      base: server.base,
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
