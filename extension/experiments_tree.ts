/**
 * The Experiments view: a projection of the store. Experiment, group, trial and section
 * nodes are kept as stable objects so a change refreshes only the experiment it touched.
 */
import * as vscode from 'vscode';
import { trialKey } from '../protocol/trial';
import type { RuntimeStore, StoreChange } from './store';
import { toTreeItem } from './tree_item_view';
import {
  experimentItem,
  finishedGroupItem,
  sectionItems,
  splitTrials,
  trialItem,
  trialSections,
  type ItemData,
  type TrialSection,
} from './tree_items';

export type ExperimentNode =
  | { kind: 'experiment'; experimentPath: string }
  | { kind: 'finished'; experimentPath: string }
  | { kind: 'trial'; experimentPath: string; trialId: string }
  | { kind: 'section'; experimentPath: string; trialId: string; section: TrialSection }
  | { kind: 'leaf'; experimentPath: string; trialId: string; item: ItemData };

export class ExperimentsTree implements vscode.TreeDataProvider<ExperimentNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ExperimentNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly nodes = new Map<string, ExperimentNode>();
  private readonly subscription: { dispose(): void };

  constructor(private readonly store: RuntimeStore) {
    this.subscription = store.onDidChange((change) => this.refresh(change));
  }

  private refresh(change: StoreChange): void {
    if (change.reset || change.addedExperiments.length) {
      this.changed.fire(undefined);
      return;
    }
    for (const path of change.changedExperiments) {
      const node = this.nodes.get(`experiment:${path}`);
      if (node) this.changed.fire(node);
    }
  }

  /** The same object for the same place, as VS Code refreshes by object identity. */
  private node<N extends ExperimentNode>(key: string, make: () => N): N {
    let node = this.nodes.get(key) as N | undefined;
    if (!node) this.nodes.set(key, (node = make()));
    return node;
  }

  experimentNode(experimentPath: string): ExperimentNode {
    return this.node(`experiment:${experimentPath}`, () => ({ kind: 'experiment' as const, experimentPath }));
  }

  private trialNode(experimentPath: string, trialId: string): ExperimentNode {
    return this.node(`trial:${trialKey(experimentPath, trialId)}`, () => ({ kind: 'trial' as const, experimentPath, trialId }));
  }

  getChildren(node?: ExperimentNode): ExperimentNode[] {
    if (!node) return this.store.experiments().map((e) => this.experimentNode(e.path));
    const { experimentPath } = node;
    switch (node.kind) {
      case 'experiment': {
        const { shown, finished } = splitTrials(this.store.trialsOf(experimentPath));
        const children = shown.map((t) => this.trialNode(experimentPath, t.id));
        if (finished?.length) children.push(this.node(`finished:${experimentPath}`, () => ({ kind: 'finished' as const, experimentPath })));
        return children;
      }
      case 'finished':
        return splitTrials(this.store.trialsOf(experimentPath)).finished?.map((t) => this.trialNode(experimentPath, t.id)) ?? [];
      case 'trial': {
        const trial = this.store.trial(experimentPath, node.trialId);
        if (!trial) return [];
        return trialSections(trial).map(({ section }) =>
          this.node(`${section}:${trialKey(experimentPath, node.trialId)}`, () => ({ kind: 'section' as const, experimentPath, trialId: node.trialId, section })),
        );
      }
      case 'section': {
        const trial = this.store.trial(experimentPath, node.trialId);
        return trial ? sectionItems(trial, node.section).map((item) => ({ kind: 'leaf' as const, experimentPath, trialId: node.trialId, item })) : [];
      }
      case 'leaf':
        return [];
    }
  }

  getTreeItem(node: ExperimentNode): vscode.TreeItem {
    const item = toTreeItem(this.itemData(node));
    // A worker log opens through the command that says why it is empty, when it is.
    if (node.kind === 'leaf' && node.item.contextValue === 'workerLog' && node.item.opens) {
      item.command = { command: 'tunekit.openTrialLog', title: 'Open Log', arguments: [node, node.item.opens] };
    }
    return item;
  }

  itemData(node: ExperimentNode): ItemData {
    const experiment = this.store.experiment(node.experimentPath);
    switch (node.kind) {
      case 'experiment':
        return experiment
          ? experimentItem(experiment, Date.now() / 1000)
          : { id: `exp:${node.experimentPath}`, label: node.experimentPath, contextValue: 'experiment.finished', collapsible: 'collapsed' };
      case 'finished':
        return finishedGroupItem(node.experimentPath, splitTrials(this.store.trialsOf(node.experimentPath)).finished?.length ?? 0);
      case 'trial': {
        const trial = this.store.trial(node.experimentPath, node.trialId);
        if (!trial) return { id: `trial:${trialKey(node.experimentPath, node.trialId)}`, label: node.trialId, contextValue: 'trial.pending', collapsible: 'none' };
        return trialItem(trial, experiment?.metric);
      }
      case 'section': {
        const trial = this.store.trial(node.experimentPath, node.trialId);
        const found = trial && trialSections(trial).find((s) => s.section === node.section);
        return found?.item ?? { id: `${node.section}:${trialKey(node.experimentPath, node.trialId)}`, label: node.section, contextValue: 'section', collapsible: 'none' };
      }
      case 'leaf':
        return node.item;
    }
  }

  getParent(node: ExperimentNode): ExperimentNode | undefined {
    switch (node.kind) {
      case 'experiment':
        return undefined;
      case 'finished':
        return this.experimentNode(node.experimentPath);
      case 'trial': {
        const trials = this.store.trialsOf(node.experimentPath);
        const trial = this.store.trial(node.experimentPath, node.trialId);
        const folded = trial && splitTrials(trials).finished?.includes(trial);
        return folded ? this.node(`finished:${node.experimentPath}`, () => ({ kind: 'finished' as const, experimentPath: node.experimentPath })) : this.experimentNode(node.experimentPath);
      }
      case 'section':
      case 'leaf':
        return this.trialNode(node.experimentPath, node.trialId);
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
