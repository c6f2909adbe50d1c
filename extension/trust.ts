/**
 * Workspace Trust. Decision: in an untrusted workspace the runtime still starts (it runs
 * only our bundled code, so diagnostics work and results can be browsed), but the
 * extension never asks it to run, resume or extend anything: those commands and lenses
 * answer with UNTRUSTED_MESSAGE. The settings that name programs are restricted in
 * package.json, so an untrusted workspace cannot pick the interpreter either.
 */
import * as vscode from 'vscode';

export const UNTRUSTED_MESSAGE = 'Tunekit does not run anything in an untrusted workspace: trust it to run experiments.';

export function isTrusted(): boolean {
  return vscode.workspace.isTrusted;
}

/** True when running is allowed; otherwise tells the user why and offers to manage trust. */
export async function ensureTrusted(): Promise<boolean> {
  if (vscode.workspace.isTrusted) return true;
  const choice = await vscode.window.showWarningMessage(UNTRUSTED_MESSAGE, 'Manage Workspace Trust');
  if (choice) await vscode.commands.executeCommand('workbench.trust.manage');
  return false;
}
