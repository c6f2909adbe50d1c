/**
 * The one owner of the language client's lifecycle (rust-analyzer's ctx.ts): attaches to
 * the workspace's runtime daemon (starting it if needed), feeds the store from its
 * notifications, restarts a crashed daemon a bounded number of times, and detaches on
 * dispose without stopping it, so runs outlive the window.
 */
import * as vscode from 'vscode';
import type { LanguageClient, StreamInfo } from 'vscode-languageclient/node';
import { RuntimeNotifications, RuntimeRequests, type NotificationType, type RequestType, type UserMessage } from '../protocol/runtime_api';
import { connectOrSpawn } from './daemon_launch';
import type { ConnectionState } from './health';
import { RestartBudget } from './restart_budget';
import { daemonEnv, type RuntimeSettings } from './runtime_env';
import { ensurePrivateDir, type RuntimeLocation } from './runtime_location';
import { SPEC_GLOB } from './spec_discovery';
import type { RuntimeStore } from './store';
import { showErrorWithLogs } from './user_messages';

export interface ConnectionDeps {
  store: RuntimeStore;
  log: vscode.LogOutputChannel;
  location: RuntimeLocation;
  serverScript: string;
  settings: () => Promise<RuntimeSettings>;
  /** Opens the daemon's log (the crash reason is there). */
  openRuntimeLog: () => unknown;
}

/** Every request leaves the extension here, typed by its constant in protocol/runtime_api.ts, so no caller casts the answer. */
function sendRequest<P, R>(client: LanguageClient, type: RequestType<P, R>, params: P): Promise<R> {
  return client.sendRequest<R>(type.method, params);
}

/** Every runtime notification arrives here, its handler typed by its constant. */
function onNotification<P>(client: LanguageClient, type: NotificationType<P>, handler: (params: P) => void): void {
  client.onNotification(type.method, handler);
}

const READY_TIMEOUT_MS = 30_000;

export class RuntimeConnection implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private current: ConnectionState = 'starting';
  private readonly stateChanged = new vscode.EventEmitter<ConnectionState>();
  readonly onDidChangeState = this.stateChanged.event;
  private readonly budget = new RestartBudget(3, 3 * 60_000);
  private disposed = false;
  private readonly resources: vscode.Disposable[] = [];

  constructor(private readonly deps: ConnectionDeps) {}

  get state(): ConnectionState {
    return this.current;
  }

  private setState(state: ConnectionState): void {
    if (state === this.current) return;
    this.current = state;
    this.deps.log.info(`runtime connection: ${state}`);
    this.stateChanged.fire(state);
  }

  /** Connects in the background; failures end in the 'crashed' state with a message. */
  async start(): Promise<void> {
    try {
      await this.createClient();
    } catch (e) {
      this.deps.log.error('could not prepare the runtime connection', e as Error);
      this.setState('crashed');
      void showErrorWithLogs(`Tunekit could not start its runtime: ${firstLine(e)}`, this.deps.openRuntimeLog);
      return;
    }
    await this.startClient();
  }

  private async createClient(): Promise<void> {
    const { log, store } = this.deps;
    const lc = await import('vscode-languageclient/node');
    const env = daemonEnv(process.env, await this.deps.settings());
    ensurePrivateDir(this.deps.location.dir, process.getuid?.() ?? 0);
    const serverOptions = async (): Promise<StreamInfo> => {
      const attached = await connectOrSpawn({
        location: this.deps.location,
        serverScript: this.deps.serverScript,
        execPath: process.execPath,
        env,
        log: (m) => log.info(m),
      });
      log.info(attached.spawned ? `attached to a new runtime at ${this.deps.location.socketPath}` : `attached to the running runtime at ${this.deps.location.socketPath}`);
      return { reader: attached.socket, writer: attached.socket };
    };
    const client = new lc.LanguageClient(
      'tunekit',
      'Tunekit',
      serverOptions,
      {
        documentSelector: [{ scheme: 'file', pattern: SPEC_GLOB }],
        outputChannel: log,
        errorHandler: {
          error: () => ({ action: lc.ErrorAction.Continue }),
          closed: () => this.onClosed(lc.CloseAction.Restart, lc.CloseAction.DoNotRestart),
        },
        initializationFailedHandler: () => false,
      },
    );
    onNotification(client, RuntimeNotifications.stateDelta, (delta) => store.apply(delta));
    onNotification(client, RuntimeNotifications.userMessage, (m) => void this.showUserMessage(m));
    client.onDidChangeState((e) => {
      if (e.newState === lc.State.Running) void this.onAttached(client);
    });
    // A deleted spec is never closed while its model lingers, so its problems would stay listed.
    const deletions = vscode.workspace.createFileSystemWatcher(SPEC_GLOB, true, true, false);
    deletions.onDidDelete((uri) => client.diagnostics?.delete(uri));
    this.resources.push(deletions);
    this.client = client;
  }

  private async startClient(): Promise<void> {
    try {
      await this.client?.start();
    } catch (e) {
      if (this.disposed) return;
      this.deps.log.error('could not start the runtime', e as Error);
      this.setState('crashed');
      void showErrorWithLogs(`Tunekit could not start its runtime: ${firstLine(e)}`, this.deps.openRuntimeLog);
    }
  }

  private onClosed<A>(restart: A, doNotRestart: A): { action: A; handled: boolean } {
    if (this.disposed) return { action: doNotRestart, handled: true };
    if (this.budget.take()) {
      this.deps.log.warn('the runtime connection closed; reattaching (the daemon is restarted if it died)');
      this.setState('reconnecting');
      return { action: restart, handled: true };
    }
    this.setState('crashed');
    void showErrorWithLogs('The Tunekit runtime stopped 4 times in 3 minutes and was not restarted.', this.deps.openRuntimeLog);
    return { action: doNotRestart, handled: true };
  }

  private async onAttached(client: LanguageClient): Promise<void> {
    try {
      this.deps.store.reset(await sendRequest(client, RuntimeRequests.snapshot, {}));
      this.setState('connected');
      for (const folder of vscode.workspace.workspaceFolders ?? []) {
        if (folder.uri.scheme !== 'file') continue;
        sendRequest(client, RuntimeRequests.scanResults, { folder: folder.uri.fsPath }).then(
          (r) => this.deps.log.info(`found ${r.found} experiment(s) under ${folder.uri.fsPath}`),
          (e) => this.deps.log.warn(`could not scan ${folder.uri.fsPath} for results: ${firstLine(e)}`),
        );
      }
    } catch (e) {
      this.deps.log.error('the runtime did not answer the snapshot request', e as Error);
    }
  }

  private async showUserMessage(m: UserMessage): Promise<void> {
    this.deps.log.info(`runtime says (${m.severity}): ${m.message}`);
    if (m.severity === 'error') await showErrorWithLogs(m.message, this.deps.openRuntimeLog);
    else if (m.severity === 'warning') await vscode.window.showWarningMessage(m.message);
    else await vscode.window.showInformationMessage(m.message);
  }

  /** Resolves once attached; after a crash, tries once more (the user asked for something). */
  private async ready(): Promise<LanguageClient> {
    if (this.current === 'crashed' && this.client && !this.disposed) {
      this.budget.reset();
      this.setState('reconnecting');
      await this.startClient();
    }
    if (this.current !== 'connected') {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => done(new Error('The Tunekit runtime did not answer in time.')), READY_TIMEOUT_MS);
        const sub = this.onDidChangeState((s) => {
          if (s === 'connected') done();
          else if (s === 'crashed') done(new Error('The Tunekit runtime is not running.'));
        });
        const done = (error?: Error) => {
          clearTimeout(timer);
          sub.dispose();
          if (error) reject(error);
          else resolve();
        };
      });
    }
    if (!this.client) throw new Error('The Tunekit runtime is not running.');
    return this.client;
  }

  async request<P, R>(type: RequestType<P, R>, params: P): Promise<R> {
    const client = await this.ready();
    return sendRequest(client, type, params);
  }

  /** Detaches. The daemon keeps running: its experiments outlive this window. */
  async dispose(): Promise<void> {
    this.disposed = true;
    const client = this.client;
    this.client = undefined;
    this.stateChanged.dispose();
    for (const r of this.resources) r.dispose();
    if (client) await client.stop(2000).catch(() => undefined);
  }
}

function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n')[0];
}
