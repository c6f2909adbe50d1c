// The layering of ARCHITECTURE.md, read from the source: every import in protocol/, runtime/,
// extension/ and webview/ is resolved to a file and checked against the folder edges allowed.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';

const root = join(__dirname, '..', '..', '..', '..');
const LAYERS = ['protocol', 'runtime', 'extension', 'webview'];

/**
 * Edges that break a rule today, each to be deleted by the change that removes it; an entry
 * that no longer occurs fails the test too, so the list can only shrink.
 * Empty since issue 13 §3 put the journal's line rules and the capacity rule in protocol/.
 */
const KNOWN_VIOLATIONS = new Set<string>([]);

interface Edge {
  from: string;
  to: string;
}

function tsFiles(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...tsFiles(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) found.push(path);
  }
  return found;
}

/** A specifier as the file it names (relative to the root), or as written for a package. */
function resolveSpecifier(fromFile: string, specifier: string): string {
  if (!specifier.startsWith('.')) return specifier;
  const base = resolve(dirname(fromFile), specifier);
  const candidates = [`${base}.ts`, join(base, 'index.ts'), base.replace(/\.js$/, '.ts'), base];
  const found = candidates.find((c) => existsSync(c) && statSync(c).isFile());
  return relative(root, found ?? base)
    .split(sep)
    .join('/');
}

function readEdges(): Edge[] {
  const edges: Edge[] = [];
  for (const file of LAYERS.flatMap((layer) => tsFiles(join(root, layer)))) {
    // preProcessFile sees static imports, re-exports, import() and require().
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const from = relative(root, file).split(sep).join('/');
    for (const imported of info.importedFiles) edges.push({ from, to: resolveSpecifier(file, imported.fileName) });
  }
  return edges;
}

const OURS = /^(protocol|runtime|extension|webview|test|scripts)\//;

/** The rule an edge breaks, or undefined. */
function brokenRule({ from, to }: Edge): string | undefined {
  const [fromLayer, fromPart] = from.split('/');
  const [toLayer, toPart] = to.split('/');
  if (to === 'vscode' && fromLayer !== 'extension') return 'only extension/ imports vscode';
  if (!OURS.test(to)) return undefined;
  if (toLayer === 'test' || toLayer === 'scripts') return 'shipped code imports no test or script';
  if (fromLayer === 'protocol' && toLayer !== 'protocol') return 'protocol/ imports nothing of ours';
  if (fromLayer === 'webview' && toLayer !== 'webview' && toLayer !== 'protocol') return 'webview/ imports only protocol/';
  if (fromLayer === 'extension' && toLayer !== 'extension' && toLayer !== 'protocol') return 'extension/ imports only protocol/';
  if (fromLayer === 'runtime' && (toLayer === 'extension' || toLayer === 'webview')) return 'runtime/ never imports extension/ or webview/';
  if (fromLayer === 'runtime' && toLayer === 'runtime') {
    if (fromPart === 'server' && toPart === 'cli') return 'the daemon never imports the CLI';
    if (fromPart === 'cli' && toPart === 'server') return 'the CLI never imports the daemon';
  }
  return undefined;
}

/** Strongly connected components of more than one file (Tarjan), each as a list of files. */
function cycles(edges: Edge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const { from, to } of edges) {
    if (!OURS.test(to)) continue;
    next.set(from, [...(next.get(from) ?? []), to]);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    for (let w = stack.pop()!; ; w = stack.pop()!) {
      onStack.delete(w);
      component.push(w);
      if (w === v) break;
    }
    if (component.length > 1) found.push(component.sort());
  };
  for (const v of next.keys()) if (!index.has(v)) visit(v);
  return found;
}

const edges = readEdges();

test('the import reader sees the imports of every layer', () => {
  for (const layer of LAYERS)
    assert.ok(
      edges.some((e) => e.from.startsWith(`${layer}/`)),
      `no imports read from ${layer}/`,
    );
  assert.ok(edges.some((e) => e.from === 'runtime/report/report_server.ts' && e.to === 'runtime/report/report_connection.ts'));
});

test('every import of ours names a file that exists', () => {
  const missing = edges.filter((e) => OURS.test(e.to) && !existsSync(join(root, e.to))).map((e) => `${e.from} -> ${e.to}`);
  assert.deepEqual(missing, []);
});

test('imports follow the allowed folder edges, apart from the listed known violations', () => {
  const broken = edges.flatMap((e) => {
    const rule = brokenRule(e);
    return rule ? [`${e.from} -> ${e.to}`] : [];
  });
  const unlisted = broken.filter((b) => !KNOWN_VIOLATIONS.has(b)).map((b) => `${b} (${brokenRule(parseEdge(b))})`);
  assert.deepEqual(unlisted, [], 'imports across a forbidden folder edge');
  const fixed = [...KNOWN_VIOLATIONS].filter((k) => !broken.includes(k));
  assert.deepEqual(fixed, [], 'known violations that no longer occur: delete them from KNOWN_VIOLATIONS');
});

test('the rules refuse the edges they exist to refuse', () => {
  assert.ok(brokenRule({ from: 'protocol/trial.ts', to: 'runtime/tuner/tuner.ts' }));
  assert.ok(brokenRule({ from: 'webview/main.ts', to: 'extension/store.ts' }));
  assert.ok(brokenRule({ from: 'extension/main.ts', to: 'runtime/tuner/tuner.ts' }));
  assert.ok(brokenRule({ from: 'runtime/tuner/tuner.ts', to: 'webview/main.ts' }));
  assert.ok(brokenRule({ from: 'runtime/server/main.ts', to: 'runtime/cli/main.ts' }));
  assert.ok(brokenRule({ from: 'runtime/cli/main.ts', to: 'runtime/server/main.ts' }));
  assert.ok(brokenRule({ from: 'runtime/server/main.ts', to: 'vscode' }));
  assert.equal(brokenRule({ from: 'extension/main.ts', to: 'vscode' }), undefined);
  assert.equal(brokenRule({ from: 'runtime/cli/main.ts', to: 'runtime/app/requests.ts' }), undefined);
  assert.deepEqual(
    cycles([
      { from: 'runtime/a.ts', to: 'runtime/b.ts' },
      { from: 'runtime/b.ts', to: 'runtime/a.ts' },
    ]),
    [['runtime/a.ts', 'runtime/b.ts']],
  );
});

test('no two modules import each other, directly or through others', () => {
  assert.deepEqual(cycles(edges), []);
});

function parseEdge(text: string): Edge {
  const [from, to] = text.split(' -> ');
  return { from, to };
}
