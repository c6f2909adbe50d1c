/**
 * What a command acts on: the tree node it was invoked on, the argument a lens passed,
 * the active editor, or else what the user picks.
 */
import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { ExperimentSummary, TrialSummary } from '../protocol/runtime_api';
import type { ExperimentNode } from './experiments_tree';
import { SPEC_GLOB } from './spec_discovery';
import type { RuntimeStore } from './store';

export type CommandTarget = ExperimentNode | vscode.Uri | string | undefined;

function isNode(target: CommandTarget): target is ExperimentNode {
  return !!target && typeof target === 'object' && 'kind' in target && 'experimentPath' in target;
}

export async function specTarget(target: CommandTarget): Promise<vscode.Uri | undefined> {
  if (target instanceof vscode.Uri) return target;
  if (typeof target === 'string') return vscode.Uri.file(target);
  const active = vscode.window.activeTextEditor?.document.uri;
  const specs = await vscode.workspace.findFiles(SPEC_GLOB, '**/{node_modules,.git,tunekit_results}/**', 500);
  if (specs.length === 0) {
    void vscode.window.showInformationMessage('There is no *.tune.yaml spec in this workspace: run "Tunekit: New Experiment" to create one.');
    return undefined;
  }
  const isActive = (uri: vscode.Uri) => (uri.toString() === active?.toString() ? 0 : 1);
  const items = specs
    .map((uri) => ({ uri, label: basename(uri.fsPath), description: vscode.workspace.asRelativePath(uri) }))
    .sort((a, b) => isActive(a.uri) - isActive(b.uri) || a.description.localeCompare(b.description));
  return (await vscode.window.showQuickPick(items, { placeHolder: 'Which experiment spec?' }))?.uri;
}

export async function experimentTarget(
  target: CommandTarget,
  store: RuntimeStore,
  which: (e: ExperimentSummary) => boolean,
  none: string,
): Promise<string | undefined> {
  if (isNode(target)) return target.experimentPath;
  if (typeof target === 'string') return target;
  const candidates = store.experiments().filter(which);
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage(none);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    candidates.map((e) => ({ label: e.name, description: e.state, detail: e.path, path: e.path })),
    { placeHolder: 'Which experiment?' },
  );
  return picked?.path;
}

export async function trialTarget(
  target: CommandTarget,
  store: RuntimeStore,
  which: (t: TrialSummary) => boolean,
  none: string,
): Promise<TrialSummary | undefined> {
  if (isNode(target) && target.kind !== 'experiment' && target.kind !== 'finished') return store.trial(target.experimentPath, target.trialId);
  const candidates = store
    .experiments()
    .flatMap((e) => store.trialsOf(e.path).map((t) => ({ e, t })))
    .filter(({ t }) => which(t));
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage(none);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    candidates.map(({ e, t }) => ({ label: t.id, description: `${e.name} · ${t.status}`, trial: t })),
    { placeHolder: 'Which trial?' },
  );
  return picked?.trial;
}
