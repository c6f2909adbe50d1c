// The licence texts of every npm package that esbuild put into a shipped bundle: MIT and ISC
// ask that their notice travel with every copy, and a bundle is a copy.
import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** `node_modules/@scope/name/…` or `node_modules/name/…` → the package folder (innermost node_modules wins). */
export function packageDirOf(input) {
  const parts = input.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at < 0 || at + 1 >= parts.length) return undefined;
  const width = parts[at + 1].startsWith('@') ? 2 : 1;
  return parts.slice(0, at + 1 + width).join('/');
}

function licenceText(dir) {
  const file = readdirSync(dir).find((n) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(n));
  return file ? readFileSync(join(dir, file), 'utf8').trim() : undefined;
}

/**
 * Writes `out` from esbuild metafiles (whose paths are relative to the build's working
 * folder, `base`); throws when a bundled package carries no licence text.
 */
export function writeThirdPartyNotices(base, metafiles, out) {
  const dirs = new Set();
  for (const meta of metafiles) for (const input of Object.keys(meta.inputs)) {
    const dir = packageDirOf(input);
    if (dir) dirs.add(dir);
  }
  const sections = [];
  const missing = [];
  for (const dir of [...dirs].sort()) {
    const pkg = JSON.parse(readFileSync(resolve(base, dir, 'package.json'), 'utf8'));
    const text = licenceText(resolve(base, dir));
    if (!text) missing.push(`${pkg.name} (${pkg.license ?? 'no licence field'})`);
    else sections.push(`${pkg.name}@${pkg.version} (${pkg.license ?? 'see text'})\n\n${text}`);
  }
  if (missing.length) throw new Error(`bundled packages without a licence file: ${missing.join(', ')}`);
  const rule = `\n\n${'-'.repeat(78)}\n\n`;
  const body = `Tunekit bundles the following npm packages; their licences follow.${rule}${sections.join(rule)}\n`;
  writeFileSync(`${out}.tmp`, body);
  renameSync(`${out}.tmp`, out);
  return dirs.size;
}
