import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';

const root = join(__dirname, '..', '..', '..', '..');
type Notices = {
  packageDirOf(input: string): string | undefined;
  writeThirdPartyNotices(base: string, metafiles: { inputs: Record<string, unknown> }[], out: string): number;
};
const load = (): Promise<Notices> => import(pathToFileURL(join(root, 'scripts', 'third_party_notices.mjs')).href);

function fakePackage(base: string, dir: string, name: string, licence?: string): void {
  mkdirSync(join(base, dir), { recursive: true });
  writeFileSync(join(base, dir, 'package.json'), JSON.stringify({ name, version: '1.2.3', license: 'MIT' }));
  if (licence) writeFileSync(join(base, dir, 'LICENSE.md'), licence);
}

test('a bundled file is traced to its package folder, scoped or nested', async () => {
  const { packageDirOf } = await load();
  assert.equal(packageDirOf('node_modules/yaml/dist/index.js'), 'node_modules/yaml');
  assert.equal(packageDirOf('node_modules/@kurkle/color/dist/color.esm.js'), 'node_modules/@kurkle/color');
  assert.equal(packageDirOf('node_modules/a/node_modules/b/x.js'), 'node_modules/a/node_modules/b');
  assert.equal(packageDirOf('runtime/cli/main.ts'), undefined);
});

test('every bundled package gets its licence text in the notices, once', async () => {
  const { writeThirdPartyNotices } = await load();
  const base = mkdtempSync(join(tmpdir(), 'tk-notices-'));
  try {
    fakePackage(base, 'node_modules/alpha', 'alpha', 'Alpha licence text');
    fakePackage(base, 'node_modules/@s/beta', '@s/beta', 'Beta licence text');
    const inputs = { 'node_modules/alpha/a.js': {}, 'node_modules/alpha/b.js': {}, 'node_modules/@s/beta/c.js': {}, 'src/own.ts': {} };
    const out = join(base, 'NOTICES.txt');
    assert.equal(writeThirdPartyNotices(base, [{ inputs }, { inputs: { 'node_modules/alpha/a.js': {} } }], out), 2);
    const text = readFileSync(out, 'utf8');
    assert.match(text, /@s\/beta@1\.2\.3 \(MIT\)\n\nBeta licence text/);
    assert.equal(text.match(/Alpha licence text/g)?.length, 1);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test('a bundled package without a licence file stops the build, naming it', async () => {
  const { writeThirdPartyNotices } = await load();
  const base = mkdtempSync(join(tmpdir(), 'tk-notices-'));
  try {
    fakePackage(base, 'node_modules/bare', 'bare');
    assert.throws(() => writeThirdPartyNotices(base, [{ inputs: { 'node_modules/bare/i.js': {} } }], join(base, 'N.txt')), /bare \(MIT\)/);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});
