/** Commands that work with files: scaffold specs, open folders and logs, copy a trial's config. */
import { existsSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import * as vscode from 'vscode';
import { RuntimeRequests } from '../protocol/runtime_api';
import { experimentTarget, trialTarget, type CommandTarget } from './command_targets';
import type { CommandDeps } from './experiment_commands';
import { specPathForScript } from './spec_discovery';
import { reportedKeys, scriptTemplate, specTemplate, validExperimentName } from './templates';
import { workerLogView } from './worker_log_note';

export interface FileCommandDeps extends CommandDeps {
  extensionUri: vscode.Uri;
  /** The daemon's stdout/stderr file, for when the runtime cannot say where its log is. */
  fallbackRuntimeLog: string;
}

const encoder = new TextEncoder();

function sizeOf(path: string): number | undefined {
  try {
    return statSync(path).size;
  } catch {
    return undefined;
  }
}

async function openFile(path: string): Promise<void> {
  await vscode.window.showTextDocument(vscode.Uri.file(path), { preview: true });
}

async function writeNew(path: string, text: string): Promise<void> {
  await vscode.workspace.fs.writeFile(vscode.Uri.file(path), encoder.encode(text));
}

/** Inside the workspace the Explorer shows it; outside, the OS file manager does. */
async function revealFolder(path: string): Promise<void> {
  const uri = vscode.Uri.file(path);
  const inside = vscode.workspace.getWorkspaceFolder(uri);
  await vscode.commands.executeCommand(inside ? 'revealInExplorer' : 'revealFileInOS', uri);
}

async function pickFolder(): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length <= 1) return folders[0];
  return vscode.window.showWorkspaceFolderPick({ placeHolder: 'Where should the experiment go?' });
}

export function registerFileCommands(deps: FileCommandDeps): vscode.Disposable[] {
  const { store } = deps;
  const register = (id: string, run: (target: CommandTarget) => Promise<unknown>) => vscode.commands.registerCommand(id, run);
  return [
    register('tunekit.newExperiment', async () => {
      const folder = await pickFolder();
      if (!folder) {
        void vscode.window.showInformationMessage('Open a folder first: a new experiment is created inside it.');
        return;
      }
      const name = await vscode.window.showInputBox({ title: 'New Tunekit experiment', prompt: 'Experiment name', value: 'my-experiment', validateInput: validExperimentName });
      if (!name) return;
      const specPath = join(folder.uri.fsPath, `${name}.tune.yaml`);
      if (existsSync(specPath)) {
        await openFile(specPath);
        return specPath;
      }
      const active = vscode.window.activeTextEditor?.document;
      const script = active?.languageId === 'python' && active.uri.scheme === 'file' ? relative(folder.uri.fsPath, active.uri.fsPath) : 'train.py';
      if (!existsSync(join(folder.uri.fsPath, script))) await writeNew(join(folder.uri.fsPath, script), scriptTemplate());
      await writeNew(specPath, specTemplate({ name, script }));
      await openFile(specPath);
      return specPath;
    }),
    register('tunekit.createExperimentForScript', async (target) => {
      const script = target instanceof vscode.Uri ? target : vscode.window.activeTextEditor?.document.uri;
      if (!script || script.scheme !== 'file') return;
      const specPath = specPathForScript(script.fsPath);
      if (!existsSync(specPath)) {
        const text = (await vscode.workspace.openTextDocument(script)).getText();
        await writeNew(specPath, specTemplate({ name: basename(specPath).replace(/\.tune\.yaml$/, ''), script: basename(script.fsPath), reported: reportedKeys(text) }));
      }
      await openFile(specPath);
      return specPath;
    }),
    register('tunekit.openResultsFolder', async (target) => {
      const path = await experimentTarget(target, store, () => true, 'There are no results yet: run an experiment first.');
      if (path) await revealFolder(path);
    }),
    register('tunekit.openTrialFolder', async (target) => {
      const trial = await trialTarget(target, store, () => true, 'There are no trials yet.');
      if (trial) await revealFolder(trial.dir);
    }),
    // The tree's log items pass their file; a trial that has not started has none to pick.
    vscode.commands.registerCommand('tunekit.openTrialLog', async (target: CommandTarget, file?: string) => {
      const trial = await trialTarget(target, store, (t) => t.workerLogs.length > 0, 'No trial has a log yet.');
      if (!trial) return;
      const log =
        file ??
        (trial.workerLogs.length <= 1
          ? (trial.workerLogs[0] ?? join(trial.dir, 'worker_0.log'))
          : await vscode.window.showQuickPick(trial.workerLogs, { placeHolder: `Which log of trial ${trial.id}?` }));
      if (!log) return;
      const view = workerLogView(trial, log, sizeOf(log));
      if (view.kind === 'file') await openFile(view.file);
      else await deps.documents.show(view.title, view.text);
      return view;
    }),
    register('tunekit.copyTrialConfig', async (target) => {
      const trial = await trialTarget(target, store, () => true, 'There are no trials yet.');
      if (!trial) return;
      await vscode.env.clipboard.writeText(JSON.stringify(trial.config, null, 2));
      void vscode.window.setStatusBarMessage(`Copied the config of trial ${trial.id}.`, 3000);
    }),
    register('tunekit.showRuntimeLog', async () => {
      let logFile = deps.fallbackRuntimeLog;
      try {
        logFile = (await deps.connection.request(RuntimeRequests.runtimeInfo, {})).logFile;
      } catch (e) {
        deps.log.warn(`the runtime did not say where its log is (${(e as Error).message}); opening ${logFile}`);
      }
      if (!existsSync(logFile)) {
        void vscode.window.showInformationMessage('The Tunekit runtime has not written a log yet.');
        return;
      }
      await openFile(logFile);
      return logFile;
    }),
    register('tunekit.showClientLog', async () => deps.openClientLog()),
    register('tunekit.openQuickstart', async () => {
      const [quickstart] = await vscode.workspace.findFiles('**/quickstart.tune.yaml', '**/node_modules/**', 1);
      if (quickstart) {
        await vscode.window.showTextDocument(quickstart);
        return;
      }
      const readme = vscode.Uri.joinPath(deps.extensionUri, 'README.md');
      await vscode.commands.executeCommand('markdown.showPreview', readme);
    }),
  ];
}

