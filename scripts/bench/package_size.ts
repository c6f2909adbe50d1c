/**
 * What a user downloads and then waits for: the packaged .vsix (built by scripts/package.mjs,
 * checked and smoke-run there), and the extension's activation in fresh code-server windows
 * (the vsix installed into empty folders, the workbench opened in headless Chromium). The
 * activation figures are the extension's own log line `activated in X ms (Y ms of CPU)`,
 * the same numbers its test API exposes as activationMs and activationCpuMs.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BenchContext, BenchOutcome } from './bench_context';
import { formatRatio, formatSeconds, type BenchRow } from './benchmarks_markdown';
import { median } from './stats';

export interface PackageParams {
  /** Fresh code-server windows to time activation in. */
  windows: number;
}

interface ZipEntry {
  name: string;
  size: number;
  compressedSize: number;
}

interface WindowTiming {
  activationMs: number;
  activationCpuMs: number;
  /** Workbench URL → `.monaco-workbench` shown. */
  workbenchS: number;
  /** Workbench URL → the status bar says "Tunekit: idle" (activated, runtime started and attached). */
  readyS: number;
}

const ACTIVATED = /activated in ([\d.]+) ms \(([\d.]+) ms of CPU\)/;
const MiB = 1024 * 1024;
const mib = (bytes: number) => `${(bytes / MiB).toFixed(2)} MiB`;

// The helpers are the UI scenarios' own (ES modules), loaded by URL so TypeScript leaves them be.
type Module = any;
function load(root: string, path: string): Promise<Module> {
  return import(pathToFileURL(join(root, path)).href);
}

async function timeWindow(root: string, vsix: string, tools: Module, browser: Module, scratch: string): Promise<WindowTiming> {
  const cs = await load(root, 'test/e2e/code_server.mjs');
  const runDir = mkdtempSync(join(scratch, 'cs-'));
  let pgid: number | undefined;
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  try {
    cs.prepareAndInstall(runDir, tools, vsix);
    const server = await cs.startCodeServer(runDir, tools);
    pgid = server.pgid;
    const page = await context.newPage();
    const opened = Date.now();
    await page.goto(`${server.base}/?folder=${encodeURIComponent(join(root, 'examples'))}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    const workbenchS = (Date.now() - opened) / 1000;
    await page.locator('.statusbar-item', { hasText: 'Tunekit: idle' }).waitFor({ timeout: 60_000 });
    const readyS = (Date.now() - opened) / 1000;
    const log = cs.extensionLogs(runDir).map((l: { file: string }) => readFileSync(l.file, 'utf8')).join('');
    const m = ACTIVATED.exec(log);
    if (!m) throw new Error(`the extension logged no "activated in" line:\n${log}`);
    return { activationMs: Number(m[1]), activationCpuMs: Number(m[2]), workbenchS, readyS };
  } finally {
    await context.close().catch(() => undefined);
    await cs.stopAll(runDir, pgid);
    rmSync(runDir, { recursive: true, force: true });
  }
}

export async function runPackageBench(ctx: BenchContext, params: PackageParams): Promise<BenchOutcome> {
  const root = resolve(__dirname, '../../..');
  const failures: string[] = [];
  const notes: string[] = [];
  ctx.progress('packaging the vsix');
  const { packageVsix, zipEntries } = await load(root, 'scripts/package.mjs');
  const vsix = packageVsix({ out: join(ctx.scratch, 'tunekit.vsix'), log: ctx.progress }) as { path: string; bytes: number };
  const entries = (zipEntries(vsix.path).entries as ZipEntry[]).filter((e) => e.name.startsWith('extension/'));
  const unpacked = entries.reduce((n, e) => n + e.size, 0);
  const rows: BenchRow[] = [
    {
      what: '`.vsix` size (what a user downloads) ÷ its files unpacked',
      figure: mib(vsix.bytes),
      baseline: mib(unpacked),
      ratio: formatRatio(vsix.bytes / unpacked),
      target: '≤ 3 MB (issue 8)',
    },
  ];
  const largest = [...entries].sort((a, b) => b.size - a.size).slice(0, 5);
  notes.push(
    `${entries.length} files; the largest unpacked: ${largest.map((e) => `${e.name.slice('extension/'.length)} ${mib(e.size)} (${mib(e.compressedSize)} packed)`).join(', ')}.`,
    'The vsix passed `npm run package`’s checks before it was measured: its bundles require nothing but Node built-ins, it holds no sources, tests or source maps, and the CLI unpacked from it, far from any node_modules, ran a two-trial experiment to the end.',
  );

  const { CHROMIUM, CODE_SERVER_VERSION, ensureTools } = await load(root, 'test/e2e/tools.mjs');
  let tools: Module;
  try {
    tools = ensureTools(ctx.progress);
  } catch (e) {
    notes.push(`Activation was not measured: ${(e as Error).message.split('\n')[0]}.`);
    return { section: section(rows, notes, params), failures };
  }
  const { chromium } = await load(root, 'node_modules/playwright-core/index.mjs');
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  const timings: WindowTiming[] = [];
  try {
    for (let i = 0; i < params.windows; i++) {
      ctx.progress(`activation: window ${i + 1} of ${params.windows}`);
      try {
        timings.push(await timeWindow(root, vsix.path, tools, browser, ctx.scratch));
      } catch (e) {
        failures.push(`window ${i + 1}: ${(e as Error).message.split('\n')[0]}`);
      }
    }
  } finally {
    await browser.close();
  }
  if (timings.length) {
    const wall = median(timings.map((t) => t.activationMs));
    const cpu = median(timings.map((t) => t.activationCpuMs));
    const ready = median(timings.map((t) => t.readyS));
    const workbench = median(timings.map((t) => t.workbenchS));
    rows.push(
      { what: `extension activate(), wall time (median of ${timings.length} fresh windows)`, figure: `${wall.toFixed(1)} ms`, baseline: '-', ratio: '-', target: '< 100 ms' },
      { what: 'extension activate(), CPU time (median)', figure: `${cpu.toFixed(1)} ms`, baseline: '-', ratio: '-', target: '< 50 ms' },
      {
        what: 'workbench URL opened → status bar "Tunekit: idle" (runtime started and attached) ÷ URL opened → workbench shown',
        figure: formatSeconds(ready),
        baseline: formatSeconds(workbench),
        ratio: formatRatio(ready / workbench),
        target: '-',
      },
    );
    notes.push(
      `Per window (activate() wall / CPU, ready): ${timings.map((t) => `${t.activationMs.toFixed(1)} / ${t.activationCpuMs.toFixed(1)} ms, ${formatSeconds(t.readyS)}`).join('; ')}.`,
      `code-server ${CODE_SERVER_VERSION} (VS Code's web workbench and Node 24 extension host) with a fresh user-data and extensions folder per window, opened on examples/ in headless Debian Chromium.`,
    );
  }
  return { section: section(rows, notes, params), failures };
}

function section(rows: BenchRow[], notes: string[], params: PackageParams) {
  return {
    title: 'Package and activation',
    summary: `\`npm run package\` builds the .vsix; it is then installed with \`code-server --install-extension\` into ${params.windows} fresh code-server windows, each opened on examples/, and the extension's activation read from its log.`,
    rows,
    notes,
  };
}
