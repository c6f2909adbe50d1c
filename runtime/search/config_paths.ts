/** Reading and writing one place in a nested config by its keys. */
import { isMapping } from './domain';

export function getAt(root: unknown, keys: readonly string[]): unknown {
  let node = root;
  for (const key of keys) node = isMapping(node) ? node[key] : undefined;
  return node;
}

/** Creates the mappings on the way when they are missing. */
export function setAt(root: Record<string, unknown>, keys: readonly string[], value: unknown): void {
  let node = root;
  for (const key of keys.slice(0, -1)) {
    if (!isMapping(node[key])) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value;
}

/** Ordered key by key, as variants.ts orders leaves. */
export function compareKeys(a: readonly string[], b: readonly string[]): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return a.length - b.length;
}

export function startsWith(keys: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= keys.length && prefix.every((key, i) => keys[i] === key);
}
