import { WarmParent } from './warm_parent';

const MAX_PARENTS = 2;

/**
 * A driver's warm parents, one per distinct interpreter, script, imports and import-time
 * environment (usually one). They belong to the driver: it stops them when it goes away,
 * and the parent-death signal stops them if it is killed.
 */
export class WarmPool {
  private readonly parents = new Map<string, WarmParent>();
  private readonly refused = new Map<string, string>();
  /** Retired parents whose last workers still run: they exit after them, or with the driver. */
  private readonly retiring = new Set<WarmParent>();

  /**
   * The warm parent for `key`, started on first use (then `warmUpS` says how long its imports
   * took); rejects with why warming is refused.
   */
  async get(key: string, start: () => WarmParent): Promise<{ parent: WarmParent; imported?: string[]; warmUpS?: number }> {
    const refused = this.refused.get(key);
    if (refused !== undefined) throw new Error(refused);
    let parent = this.parents.get(key);
    if (parent?.retired !== undefined) {
      // It imported something it learned from a worker and found it unsafe: later trials start cold.
      this.refused.set(key, parent.retired);
      this.parents.delete(key);
      if (parent.busy) this.retiring.add(parent);
      else parent.stop();
      throw new Error(parent.retired);
    }
    if (parent && !parent.alive) {
      this.parents.delete(key);
      parent = undefined;
    }
    let startedAt: number | undefined;
    if (!parent) {
      startedAt = performance.now();
      for (const [k, p] of this.parents) {
        if (this.parents.size < MAX_PARENTS) break;
        if (p.busy) continue;
        p.stop();
        this.parents.delete(k);
      }
      parent = start();
      this.parents.set(key, parent);
    } else {
      // Most recently used last, so eviction takes the oldest.
      this.parents.delete(key);
      this.parents.set(key, parent);
    }
    try {
      const imported = await parent.ready;
      return startedAt === undefined ? { parent } : { parent, imported, warmUpS: (performance.now() - startedAt) / 1000 };
    } catch (err) {
      this.parents.delete(key);
      parent.stop();
      // A parent that refused (a thread, CUDA, a failed import) refuses again: ask once.
      if (parent.alive) this.refused.set(key, (err as Error).message);
      throw err;
    }
  }

  get pids(): number[] {
    return [...this.parents.values()].map((p) => p.pid ?? -1);
  }

  stopAll(): void {
    for (const p of [...this.parents.values(), ...this.retiring]) p.stop();
    this.parents.clear();
    this.retiring.clear();
  }
}
