/** The extension under test and the example workspace the runner copied for this run. */
import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TunekitApi } from '../../../extension/test_api';

export const EXTENSION_ID = 'tunekit.tunekit';

export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the e2e runner opens a workspace folder; none is open');
  return folder.uri.fsPath;
}

export function inWorkspace(...parts: string[]): vscode.Uri {
  return vscode.Uri.file(path.join(workspaceRoot(), ...parts));
}

export async function tunekit(): Promise<TunekitApi> {
  const extension = vscode.extensions.getExtension<TunekitApi>(EXTENSION_ID);
  if (!extension) throw new Error(`${EXTENSION_ID} is not loaded in this window`);
  return extension.isActive ? extension.exports : extension.activate();
}

export async function lensTitles(uri: vscode.Uri): Promise<string[]> {
  await vscode.workspace.openTextDocument(uri); // the lens command needs the document loaded
  const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 10)) ?? [];
  return lenses.map((l) => l.command?.title ?? '').filter(Boolean);
}

/** Asks the runner (see workbench.mjs) for a screenshot of the page now, and waits until it is written. */
export async function screenshot(name: string): Promise<void> {
  const dir = process.env.TUNEKIT_E2E_ARTIFACTS;
  if (!dir) return;
  const file = path.join(dir, `${name}.png`);
  console.log(`e2e-screenshot ${name}`);
  const deadline = Date.now() + 15_000;
  while (!(existsSync(file) && statSync(file).size > 0)) {
    if (Date.now() > deadline) throw new Error(`the runner did not write ${file}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
