/**
 * CodeLenses: on a spec "▶ Run", "Plan", and "Resume" (or "■ Stop") when its results
 * exist; on a Python script that imports tunekit, "▶ Tune with <spec>" for each spec that
 * runs it and "Create experiment…".
 */
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import { storagePathSetting } from './settings';
import { specLenses, type SpecLens } from './spec_actions';
import { importsTunekit, isSpecFile, parseSpecObject, resultsDirOf, specMentionsScript } from './spec_discovery';
import type { SpecIndex } from './spec_index';
import { SpecLensWatch } from './spec_lens_watch';
import type { RuntimeStore } from './store';

export const CODE_LENS_SELECTOR: vscode.DocumentSelector = [
  { scheme: 'file', pattern: '**/*.tune.{yaml,yml,json}' },
  { scheme: 'file', language: 'python' },
];

/** Edits to the specs a script's lenses list wait for typing to pause. */
const SPEC_INDEX_DELAY_MS = 1000;

export class TunekitCodeLenses implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscriptions: Array<{ dispose(): void }> = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: RuntimeStore,
    private readonly specs: SpecIndex,
  ) {
    const later = () => {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        this.changed.fire();
      }, SPEC_INDEX_DELAY_MS);
    };
    // A run that starts or ends changes a spec's lenses at once: no timer between the store and them.
    const now = () => {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.changed.fire();
    };
    this.subscriptions.push(new SpecLensWatch(store, now), specs.onDidChange(later));
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    if (isSpecFile(document.uri.fsPath)) return this.specLenses(document);
    if (document.languageId === 'python' && importsTunekit(document.getText())) return this.scriptLenses(document);
    return [];
  }

  private specLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const top = new vscode.Range(0, 0, 0, 0);
    const specPath = document.uri.fsPath;
    const known = this.store.experiments().find((e) => e.specPath === specPath);
    const resultsDir = known?.path ?? resultsDirOf(specPath, parseSpecObject(document.getText()), storagePathSetting());
    const commands: Record<SpecLens, { command: string; target: unknown }> = {
      '▶ Run': { command: 'tunekit.runExperiment', target: document.uri },
      Plan: { command: 'tunekit.planExperiment', target: document.uri },
      '■ Stop': { command: 'tunekit.stopExperiment', target: resultsDir },
      Resume: { command: 'tunekit.resumeExperiment', target: resultsDir },
      'Open Dashboard': { command: 'tunekit.openDashboard', target: resultsDir },
    };
    return specLenses(known, !known && existsSync(join(resultsDir, 'experiment.json'))).map(
      (title) => new vscode.CodeLens(top, { title, command: commands[title].command, arguments: [commands[title].target] }),
    );
  }

  private async scriptLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    const line = document.getText().split('\n').findIndex((l) => importsTunekit(l));
    const at = new vscode.Range(Math.max(line, 0), 0, Math.max(line, 0), 0);
    const lenses = (await this.specs.all())
      .filter((s) => specMentionsScript(s.raw, s.uri.fsPath, document.uri.fsPath))
      .map(
        (s) =>
          new vscode.CodeLens(at, {
            title: `▶ Tune with ${basename(s.uri.fsPath)}`,
            tooltip: s.uri.fsPath,
            command: 'tunekit.runExperiment',
            arguments: [s.uri],
          }),
      );
    lenses.push(new vscode.CodeLens(at, { title: 'Create experiment…', command: 'tunekit.createExperimentForScript', arguments: [document.uri] }));
    return lenses;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}
