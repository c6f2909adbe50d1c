/** User-facing messages: one sentence, and for errors an "Open Logs" action. */
import * as vscode from 'vscode';
import { describeRequestError } from './request_errors';

export type OpenLogs = () => unknown;

export async function showErrorWithLogs(message: string, openLogs: OpenLogs, ...extra: string[]): Promise<string | undefined> {
  const choice = await vscode.window.showErrorMessage(message, ...extra, 'Open Logs');
  if (choice === 'Open Logs') await openLogs();
  return choice;
}

/** A failed request: spec problems point at the Problems view, anything else at the logs. */
export async function showRequestError(action: string, error: unknown, log: vscode.LogOutputChannel, openLogs: OpenLogs): Promise<void> {
  const described = describeRequestError(action, error);
  log.error(described.message, error instanceof Error ? error : String(error));
  if (described.specProblems) {
    const choice = await vscode.window.showErrorMessage(described.message, 'Show Problems');
    if (choice) await vscode.commands.executeCommand('workbench.actions.view.problems');
  } else await showErrorWithLogs(described.message, openLogs);
}
