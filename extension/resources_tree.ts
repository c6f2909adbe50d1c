/** The Resources view: the ledger's slots and who holds them, then who waits and why. */
import * as vscode from 'vscode';
import { clusterGroupItem, clusterNodeItem, cpuItem, gpuItem, holderItem, jobItem, jobsGroupItem, namesFrom, waitingGroupItem, waitingItem } from './resource_items';
import type { RuntimeStore } from './store';
import { toTreeItem } from './tree_item_view';
import type { ItemData } from './tree_items';

export interface ResourceNode {
  item: ItemData;
  /** What its children are drawn from. */
  source?: { kind: 'gpu'; index: number } | { kind: 'cpu' } | { kind: 'waiting' } | { kind: 'cluster' } | { kind: 'jobs' };
}

export class ResourcesTree implements vscode.TreeDataProvider<ResourceNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ResourceNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: { dispose(): void };

  constructor(private readonly store: RuntimeStore) {
    this.subscription = store.onDidChange((change) => {
      if (change.reset || change.resourcesChanged) this.changed.fire(undefined);
    });
  }

  getChildren(node?: ResourceNode): ResourceNode[] {
    const r = this.store.resources();
    const names = namesFrom(this.store.experiments());
    if (!node) {
      if (!r.gpus.length && !r.cpu.total && !r.cluster) return [];
      const roots: ResourceNode[] = r.gpus.map((g) => ({ item: gpuItem(g), source: { kind: 'gpu', index: g.index } }));
      if (r.cpu.total) roots.push({ item: cpuItem(r.cpu), source: { kind: 'cpu' } });
      if (r.waiting.length) roots.push({ item: waitingGroupItem(r.waiting.length), source: { kind: 'waiting' } });
      if (r.cluster) {
        roots.push({ item: clusterGroupItem(r.cluster), source: { kind: 'cluster' } });
        if (r.cluster.jobs.length) roots.push({ item: jobsGroupItem(r.cluster.jobs), source: { kind: 'jobs' } });
      }
      return roots;
    }
    const source = node.source;
    if (!source) return [];
    if (source.kind === 'waiting') return r.waiting.map((w) => ({ item: waitingItem(w, names) }));
    if (source.kind === 'cluster') return (r.cluster?.nodes ?? []).map((n) => ({ item: clusterNodeItem(n) }));
    if (source.kind === 'jobs') return (r.cluster?.jobs ?? []).map((j) => ({ item: jobItem(j, names) }));
    const holders = source.kind === 'cpu' ? r.cpu.holders : (r.gpus.find((g) => g.index === source.index)?.holders ?? []);
    return holders.map((h) => ({ item: holderItem(node.item.id, h, names) }));
  }

  getTreeItem(node: ResourceNode): vscode.TreeItem {
    return toTreeItem(node.item);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
