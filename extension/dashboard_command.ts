/** `tunekit.openDashboard`: from an experiment's context menu, the status bar or the palette. */
import * as vscode from 'vscode';
import type { CommandTarget } from './command_targets';
import type { DashboardPanels } from './dashboard_panel';
import type { ExperimentNode } from './experiments_tree';
import type { RuntimeStore } from './store';

export interface DashboardCommandDeps {
  store: RuntimeStore;
  dashboards: DashboardPanels;
}

/** The experiment to show: the node or path given, else the one running, else the user's pick. */
async function dashboardTarget(target: CommandTarget, store: RuntimeStore): Promise<string | undefined> {
  if (typeof target === 'string') return target;
  if (target && typeof target === 'object' && 'experimentPath' in target) return (target as ExperimentNode).experimentPath;
  const experiments = store.experiments();
  const running = experiments.filter((e) => e.live && e.state === 'running');
  if (running.length === 1) return running[0].path;
  if (experiments.length === 0) {
    await vscode.commands.executeCommand('tunekitExperiments.focus');
    return undefined;
  }
  const ordered = [...running, ...experiments.filter((e) => !running.includes(e))];
  const picked = await vscode.window.showQuickPick(
    ordered.map((e) => ({ label: e.name, description: e.live && e.state === 'running' ? 'running' : e.state, detail: e.path, path: e.path })),
    { placeHolder: 'Open the dashboard of which experiment?' },
  );
  return picked?.path;
}

export function registerDashboardCommand(deps: DashboardCommandDeps): vscode.Disposable {
  return vscode.commands.registerCommand('tunekit.openDashboard', async (target: CommandTarget) => {
    const path = await dashboardTarget(target, deps.store);
    if (path) deps.dashboards.open(path);
    return path;
  });
}
