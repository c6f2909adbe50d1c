/**
 * A page that hosts the dashboard bundle the way a VS Code webview does: the extension's
 * own HTML and CSP (served from a local origin that stands in for `webview.cspSource`),
 * `--vscode-*` theme variables on the root element, and an `acquireVsCodeApi` stub that
 * records posted messages and keeps setState across reloads. Driven by playwright-core
 * with Debian's chromium.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { dashboardHtml } from '../../extension/dashboard_html';
import type { ExtensionToDashboard } from '../../protocol/dashboard_messages';

export const REPO = resolve(__dirname, '../../..');
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Why the browser layer cannot run here, if it cannot. */
export function browserMissing(): string | undefined {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is missing (apt-get install chromium)`;
  if (!existsSync(join(REPO, 'dist/webview/dashboard.js'))) return 'dist/webview/dashboard.js is missing (npm run build)';
  return undefined;
}

/** Roughly VS Code's Light+ and Dark+ values for the variables the dashboard reads. */
const THEMES: Record<'light' | 'dark', Record<string, string>> = {
  light: {
    'foreground': '#3b3b3b', 'descriptionForeground': '#717171', 'editor-background': '#ffffff', 'focusBorder': '#005fb8',
    'charts-foreground': '#616161', 'charts-lines': 'rgba(97, 97, 97, 0.5)', 'charts-red': '#e51400', 'charts-blue': '#1a85ff',
    'charts-yellow': '#bf8803', 'charts-orange': '#d18616', 'charts-green': '#388a34', 'charts-purple': '#652d90',
    'panel-border': '#e5e5e5', 'input-background': '#ffffff', 'input-foreground': '#3b3b3b', 'input-border': '#cecece',
    'button-background': '#005fb8', 'button-foreground': '#ffffff', 'button-secondaryBackground': '#e5e5e5',
    'button-secondaryForeground': '#3b3b3b', 'list-hoverBackground': '#f2f2f2', 'list-activeSelectionBackground': '#e8e8e8',
    'list-activeSelectionForeground': '#000000', 'badge-background': '#cccccc', 'badge-foreground': '#3b3b3b',
    'font-family': 'system-ui, sans-serif', 'font-size': '13px',
  },
  dark: {
    'foreground': '#cccccc', 'descriptionForeground': '#9d9d9d', 'editor-background': '#1f1f1f', 'focusBorder': '#0078d4',
    'charts-foreground': '#cccccc', 'charts-lines': 'rgba(204, 204, 204, 0.5)', 'charts-red': '#f14c4c', 'charts-blue': '#3794ff',
    'charts-yellow': '#cca700', 'charts-orange': '#d18616', 'charts-green': '#89d185', 'charts-purple': '#b180d7',
    'panel-border': '#2b2b2b', 'input-background': '#313131', 'input-foreground': '#cccccc', 'input-border': '#3c3c3c',
    'button-background': '#0078d4', 'button-foreground': '#ffffff', 'button-secondaryBackground': '#313131',
    'button-secondaryForeground': '#cccccc', 'list-hoverBackground': '#2a2d2e', 'list-activeSelectionBackground': '#04395e',
    'list-activeSelectionForeground': '#ffffff', 'badge-background': '#616161', 'badge-foreground': '#f8f8f8',
    'font-family': 'system-ui, sans-serif', 'font-size': '13px',
  },
};

/** Runs before the bundle: the webview API stub, theme switching, CSP-violation log. */
const STUB = `
(() => {
  const themes = ${JSON.stringify(THEMES)};
  window.__posted = [];
  window.__violations = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
  window.__setTheme = (kind) => {
    for (const [k, v] of Object.entries(themes[kind])) document.documentElement.style.setProperty('--vscode-' + k, v);
    document.body.className = 'vscode-' + kind;
    document.body.setAttribute('data-vscode-theme-kind', 'vscode-' + kind);
  };
  window.__setTheme(new URLSearchParams(location.search).get('theme') || 'light');
  window.acquireVsCodeApi = () => ({
    postMessage: (m) => window.__posted.push(JSON.parse(JSON.stringify(m))),
    getState: () => JSON.parse(sessionStorage.getItem('webviewState') || 'null') || undefined,
    setState: (s) => sessionStorage.setItem('webviewState', JSON.stringify(s)),
  });
})();
`;

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };

export interface Harness {
  origin: string;
  browser: Browser;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const nonce = 'dGVzdC1ub25jZS0xMjM0';
  let origin = '';
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname === '/') {
      const html = dashboardHtml({ cspSource: origin, nonce, scriptUri: `${origin}/dist/webview/dashboard.js`, styleUri: `${origin}/dist/webview/dashboard.css`, title: 'Dashboard' })
        .replace('<script nonce', `<script nonce="${nonce}" src="${origin}/stub.js"></script>\n<script nonce`)
        .replace('<body>', '<body data-test-hook>');
      res.writeHead(200, { 'content-type': 'text/html' }).end(html);
      return;
    }
    if (url.pathname === '/stub.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(STUB);
      return;
    }
    const file = normalize(join(REPO, url.pathname));
    if (!url.pathname.startsWith('/dist/webview/') || !file.startsWith(join(REPO, 'dist/webview')) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
  return {
    origin,
    browser,
    close: async () => {
      await browser.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

export function fixture(name: string): ExtensionToDashboard[] {
  return JSON.parse(readFileSync(join(REPO, 'test/browser/fixtures', `${name}.json`), 'utf8')) as ExtensionToDashboard[];
}

export interface PaintedLine {
  dashed: boolean;
  trialId?: string;
  points: Array<{ x: number; y: number }>;
}

/** The page-side objects the tests read; only what they use is typed. */
export interface ChartLike {
  data: { labels?: string[]; datasets: Array<{ label?: string; trialId?: string; marker?: string; borderWidth?: number; data: Array<Record<string, unknown>> }> };
  options: { scales: Record<string, { ticks?: { color?: string } }> };
  canvas: { width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } };
  getDatasetMeta(i: number): { data: Array<{ x: number; y: number }> };
  scales: Record<string, { min: number; max: number; getPixelForValue(value: number): number }>;
  tooltip: { body?: Array<{ lines: string[] }>; title?: string[] };
}

export interface PageWindow {
  tunekitDashboard: {
    renders: { fast: number; slow: number };
    curves: { chart: ChartLike; layer: { repaints: number; lines: PaintedLine[]; live: PaintedLine[] } };
    best: { chart: ChartLike };
    timelineView: { chart: ChartLike };
    parallel: { chart: ChartLike };
    scatter: { chart: ChartLike };
    importance: { chart: ChartLike };
    data: { pendingHistories: number; trials: Map<string, unknown> };
  };
  sessionStorage: { getItem(key: string): string | null };
  __posted: Array<Record<string, unknown>>;
  __violations: string[];
  __setTheme(kind: 'light' | 'dark'): void;
  postMessage(message: unknown, targetOrigin: string): void;
}

/** Opens the dashboard, waits for its `ready`, and feeds it messages as the extension would. */
export async function openDashboard(h: Harness, messages: ExtensionToDashboard[], opts: { theme?: 'light' | 'dark'; page?: Page } = {}): Promise<{ page: Page; console: string[] }> {
  const page = opts.page ?? (await h.browser.newPage({ viewport: { width: 1400, height: 1100 } }));
  const console: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') console.push(m.text());
  });
  page.on('pageerror', (e) => console.push(`pageerror: ${e.message}`));
  await page.goto(`${h.origin}/?theme=${opts.theme ?? 'light'}`);
  await page.waitForFunction(() => (globalThis as unknown as PageWindow).__posted.some((m) => m.type === 'ready'));
  await send(page, messages);
  return { page, console };
}

/** Posts messages as the extension would and waits until both redraw paces have drawn them. */
export async function send(page: Page, messages: ExtensionToDashboard[]): Promise<void> {
  const before = await page.evaluate(() => ({ ...(globalThis as unknown as PageWindow).tunekitDashboard.renders }));
  await page.evaluate((ms) => {
    const w = globalThis as unknown as PageWindow;
    for (const m of ms) w.postMessage(m, '*');
  }, messages);
  await page.waitForFunction((b) => {
    const app = (globalThis as unknown as PageWindow).tunekitDashboard;
    return app.renders.fast > b.fast && app.renders.slow > b.slow && app.data.pendingHistories === 0;
  }, before);
}
