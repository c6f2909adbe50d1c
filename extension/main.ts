/**
 * Activation: build the store, views, lenses and commands synchronously, then attach to
 * the runtime in the background so activate() returns in a few milliseconds.
 * Deactivation detaches; running experiments keep going in the daemon.
 */
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { DASHBOARD_VIEW_TYPE } from '../protocol/dashboard_messages';
import { RuntimeRequests } from '../protocol/runtime_api';
import { CODE_LENS_SELECTOR, TunekitCodeLenses } from './code_lens';
import { registerCommands } from './commands';
import { DashboardPanels } from './dashboard_panel';
import { ExperimentsTree } from './experiments_tree';
import { ReadOnlyDocuments } from './read_only_documents';
import { ResourcesTree } from './resources_tree';
import { RunEndWatch } from './run_end_checks';
import { RuntimeConnection } from './runtime_connection';
import { runtimeLocation } from './runtime_location';
import { readRuntimeSettings } from './settings';
import { SpecIndex } from './spec_index';
import { HealthStatusBar } from './status_bar';
import { RuntimeStore } from './store';
import type { TunekitApi } from './test_api';

let connection: RuntimeConnection | undefined;

/** The daemon serves one workspace: the workspace file when there is one, else the first folder. */
function workspaceKey(): string {
  const file = vscode.workspace.workspaceFile;
  if (file && file.scheme === 'file') return file.fsPath;
  return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '(no folder)';
}

export function activate(context: vscode.ExtensionContext): TunekitApi {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const log = vscode.window.createOutputChannel('Tunekit', { log: true });
  const store = new RuntimeStore((err) => log.error(`a view failed to follow the runtime: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`));
  const location = runtimeLocation(workspaceKey(), {
    xdgRuntimeDir: process.env.XDG_RUNTIME_DIR,
    tmpdir: tmpdir(),
    uid: process.getuid?.() ?? 0,
  });
  const openRuntimeLog = () => vscode.commands.executeCommand('tunekit.showRuntimeLog');
  connection = new RuntimeConnection({
    store,
    log,
    location,
    serverScript: vscode.Uri.joinPath(context.extensionUri, 'dist', 'runtime', 'server.js').fsPath,
    settings: () => readRuntimeSettings(log),
    openRuntimeLog,
  });

  const experiments = new ExperimentsTree(store);
  const experimentsView = vscode.window.createTreeView('tunekitExperiments', { treeDataProvider: experiments, showCollapseAll: true });
  const resources = new ResourcesTree(store);
  const specs = new SpecIndex();
  const lenses = new TunekitCodeLenses(store, specs);
  const documents = new ReadOnlyDocuments();
  const statusBar = new HealthStatusBar(store, connection);
  const runEnds = new RunEndWatch(store, (message, experimentPath) => {
    log.warn(message);
    void vscode.window.showWarningMessage(message, 'Open Dashboard').then((choice) => choice && vscode.commands.executeCommand('tunekit.openDashboard', experimentPath));
  });
  const attached = connection;
  const dashboards = new DashboardPanels({
    extensionUri: context.extensionUri,
    store,
    log,
    history: async (experimentPath, trialId) => (await attached.request(RuntimeRequests.trialHistory, { experimentPath, trialId })).points,
  });

  context.subscriptions.push(
    log,
    experiments,
    experimentsView,
    resources,
    vscode.window.registerTreeDataProvider('tunekitResources', resources),
    specs,
    lenses,
    vscode.languages.registerCodeLensProvider(CODE_LENS_SELECTOR, lenses),
    documents,
    statusBar,
    runEnds,
    dashboards,
    vscode.window.registerWebviewPanelSerializer(DASHBOARD_VIEW_TYPE, dashboards.serializer()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('tunekit')) {
        log.info('Tunekit settings changed; the runtime reads them when it next starts (it exits once no window is attached and nothing runs).');
      }
    }),
    ...registerCommands({
      connection,
      store,
      log,
      documents,
      openClientLog: () => log.show(),
      reveal: async (path) => {
        await vscode.commands.executeCommand('tunekitExperiments.focus');
        if (await experimentArrives(store, path)) await experimentsView.reveal(experiments.experimentNode(path), { expand: true, select: true });
      },
      extensionUri: context.extensionUri,
      fallbackRuntimeLog: location.logFile,
      dashboards,
    }),
  );

  const activationMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuStarted);
  const activationCpuMs = (cpu.user + cpu.system) / 1000;
  log.info(`activated in ${activationMs.toFixed(1)} ms (${activationCpuMs.toFixed(1)} ms of CPU); runtime socket ${location.socketPath}`);
  const attaching = connection;
  setImmediate(() => void attaching.start());
  return {
    store,
    activationMs,
    activationCpuMs,
    connectionState: () => attaching.state,
    health: () => statusBar.health,
    experimentRows: (node) => experiments.getChildren(node).map((n) => ({ node: n, item: experiments.itemData(n) })),
    socketPath: location.socketPath,
    runtimeInfo: () => attaching.request(RuntimeRequests.runtimeInfo, {}),
  };
}

/** A run's first delta comes a moment after its request returns. */
function experimentArrives(store: RuntimeStore, path: string, timeoutMs = 3000): Promise<boolean> {
  if (store.experiment(path)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => finish(false), timeoutMs);
    const sub = store.onDidChange(() => store.experiment(path) && finish(true));
    const finish = (found: boolean) => {
      clearTimeout(timer);
      sub.dispose();
      resolve(found);
    };
  });
}

export async function deactivate(): Promise<void> {
  await connection?.dispose();
  connection = undefined;
}
