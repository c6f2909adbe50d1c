/**
 * The dashboard webview's page is locked down: its Content-Security-Policy allows no inline
 * or eval'd script, scripts run only with the page's nonce, and text put into the page
 * cannot add markup. Reads the HTML builder the panel uses (extension/dashboard_html.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

interface DashboardPage {
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
  title: string;
}
interface HtmlBuilder {
  dashboardHtml(page: DashboardPage): string;
}

function loadBuilder(): { builder?: HtmlBuilder; missing?: string } {
  try {
    // Loaded at run time: the dashboard is built beside these checks, and its absence is a skip, not a failure.
    const builder = require('../../extension/dashboard_html') as Partial<HtmlBuilder>;
    if (typeof builder.dashboardHtml === 'function') return { builder: builder as HtmlBuilder };
    return { missing: 'extension/dashboard_html.ts exports no dashboardHtml(page) function' };
  } catch (e) {
    return { missing: `extension/dashboard_html.ts cannot be loaded (${(e as Error).message.split('\n')[0]})` };
  }
}

const { builder, missing } = loadBuilder();
if (missing) process.stdout.write(`webview CSP checks skipped: ${missing}\n`);

const PAGE: DashboardPage = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  nonce: 'bm9uY2Utb2YtdGhpcy1wYWdl',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/dashboard.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/dashboard.css',
  title: 'Dashboard: quickstart',
};

/** The page's real tags; escaped text (`&lt;img …&gt;`) is not one. */
function tagsOf(html: string): string[] {
  return html.match(/<[a-z][^>]*>/gi) ?? [];
}

function cspOf(html: string): Map<string, string[]> {
  const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/i.exec(html);
  assert.ok(meta, 'the page declares its CSP in a meta tag');
  const policy = meta[1].replace(/&#39;|&apos;/g, "'").replace(/&amp;/g, '&');
  return new Map(
    policy
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name.toLowerCase(), values] as [string, string[]]),
  );
}

describe('the dashboard webview’s page', { skip: missing }, () => {
  it('allows no inline or eval’d script: scripts need the page’s nonce, everything else is denied by default', () => {
    const csp = cspOf(builder!.dashboardHtml(PAGE));
    assert.deepEqual(csp.get('default-src'), ["'none'"]);
    const scripts = csp.get('script-src') ?? csp.get('default-src')!;
    assert.ok(scripts.includes(`'nonce-${PAGE.nonce}'`), `script-src carries the nonce: ${scripts.join(' ')}`);
    for (const forbidden of ["'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "'wasm-unsafe-eval'", '*', 'data:', 'blob:', 'http:', 'https:']) {
      assert.ok(!scripts.includes(forbidden), `script-src allows ${forbidden}`);
    }
    for (const [directive, values] of csp) assert.ok(!values.includes("'unsafe-eval'"), `${directive} allows 'unsafe-eval'`);
  });

  it('has no script without the nonce, no inline script body and no inline event handler', () => {
    const html = builder!.dashboardHtml(PAGE);
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    assert.ok(scripts.length >= 1, 'the page loads its bundle');
    for (const [, attrs, body] of scripts) {
      assert.match(attrs, new RegExp(`nonce="${PAGE.nonce}"`));
      assert.match(attrs, /\bsrc="/);
      assert.equal(body.trim(), '', 'no inline script body');
    }
    for (const tag of tagsOf(html)) {
      assert.doesNotMatch(tag, /\son[a-z]+\s*=/i, `an on…= handler attribute: ${tag}`);
      assert.doesNotMatch(tag, /javascript:/i);
    }
  });

  it('escapes what it is given: a hostile experiment name cannot add a script', () => {
    const hostile = { ...PAGE, title: 'Dashboard: </title><script>alert(1)</script><img src=x onerror=alert(2)>', scriptUri: `${PAGE.scriptUri}"><script>alert(3)</script>` };
    const html = builder!.dashboardHtml(hostile);
    const tags = tagsOf(html);
    assert.equal(tags.filter((t) => /^<script\b/i.test(t)).length, 1, 'still exactly one script tag');
    assert.ok(!tags.some((t) => /^<img\b/i.test(t) || /\son[a-z]+\s*=/i.test(t)), `no injected tag: ${tags.join(' ')}`);
    assert.equal(cspOf(html).get('default-src')?.join(' '), "'none'", 'the policy survives the hostile input');
  });
});
