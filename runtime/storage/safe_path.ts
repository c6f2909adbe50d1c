/**
 * Joins a name that came from a spec or a worker report onto a directory we own, and
 * refuses anything that would land outside it, including through a symlink.
 */
import { lstatSync, realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative as relativePath, resolve, sep } from 'node:path';

export class UnsafePathError extends Error {
  constructor(readonly base: string, readonly relative: string, reason: string) {
    super(`Refusing path ${JSON.stringify(relative)} under ${base}: ${reason}`);
    this.name = 'UnsafePathError';
  }
}

/** The absolute path of `relative` strictly inside `base` (not `base` itself). */
export function resolveInside(base: string, relative: string): string {
  const refuse: (reason: string) => never = (reason) => {
    throw new UnsafePathError(base, relative, reason);
  };
  if (typeof relative !== 'string' || relative === '') refuse('it is empty');
  if (relative.includes('\0')) refuse('it contains a NUL byte');
  if (isAbsolute(relative) || relative.startsWith('\\')) refuse('it is absolute');
  if (relative.split(/[\\/]/).includes('..')) refuse('it climbs out with ..');
  const root = resolve(base);
  const target = resolve(root, relative);
  if (!isStrictlyInside(root, target)) refuse('it does not name anything inside');
  const realRoot = realpathOfExisting(root);
  const realTarget = realpathOfExisting(target);
  if (realRoot === undefined || realTarget === undefined) refuse('a dangling symlink is in the way');
  if (!isStrictlyInside(realRoot, realTarget)) refuse('a symlink leads outside');
  return target;
}

function isStrictlyInside(root: string, target: string): boolean {
  const rel = relativePath(root, target);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/**
 * The real path of the deepest part of `path` that exists, with the missing rest
 * appended (the rest holds no symlinks, since it does not exist yet); undefined when a
 * dangling symlink stops the resolution, as it cannot be proven to stay inside.
 */
function realpathOfExisting(path: string): string | undefined {
  const missing: string[] = [];
  let existing = path;
  while (!exists(existing)) {
    const parent = dirname(existing);
    if (parent === existing) break;
    missing.unshift(basename(existing));
    existing = parent;
  }
  try {
    return join(realpathSync(existing), ...missing);
  } catch {
    return undefined;
  }
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
