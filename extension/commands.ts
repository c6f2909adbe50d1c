/** Registers every `tunekit.*` command; package.json's contributes.commands lists the same ids. */
import type * as vscode from 'vscode';
import { registerDashboardCommand, type DashboardCommandDeps } from './dashboard_command';
import { registerExperimentCommands } from './experiment_commands';
import { registerFileCommands, type FileCommandDeps } from './file_commands';

export function registerCommands(deps: FileCommandDeps & DashboardCommandDeps): vscode.Disposable[] {
  return [...registerExperimentCommands(deps), ...registerFileCommands(deps), registerDashboardCommand(deps)];
}
