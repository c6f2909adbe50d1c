/**
 * The dashboard panels, one per experiment: a locked-down webview (nonce'd bundle, CSP,
 * resources only from dist/webview) fed from the store. The page says `ready`, gets a
 * snapshot, then metric histories and throttled deltas; panels revive after a reload
 * from the state the page saved.
 */
import { randomBytes } from 'node:crypto';
import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import {
  DASHBOARD_VIEW_TYPE,
  type DashboardPanelState,
  type DashboardToExtension,
  type ExtensionToDashboard,
} from '../protocol/dashboard_messages';
import { STATE_DELTA_INTERVAL_MS, type MetricPoint } from '../protocol/runtime_api';
import { DashboardFeed } from './dashboard_feed';
import { dashboardHtml } from './dashboard_html';
import { readRecordFacts, TimelineReader, type ExperimentRecordFacts } from './experiment_record_reader';
import type { RuntimeStore } from './store';

export interface DashboardDeps {
  extensionUri: vscode.Uri;
  store: RuntimeStore;
  log: vscode.LogOutputChannel;
  /** A trial's whole metric history (the runtime's `trialHistory`). */
  history(experimentPath: string, trialId: string): Promise<MetricPoint[]>;
}

/** Histories requested at once, and how many go to the page per message. */
const HISTORY_CONCURRENCY = 4;
const HISTORY_BATCH = 50;

export class DashboardPanels implements vscode.Disposable {
  private readonly panels = new Map<string, DashboardPanel>();

  constructor(private readonly deps: DashboardDeps) {}

  open(experimentPath: string): void {
    const existing = this.panels.get(experimentPath);
    if (existing) {
      existing.panel.reveal();
      return;
    }
    const name = this.deps.store.experiment(experimentPath)?.name ?? basename(experimentPath);
    const panel = vscode.window.createWebviewPanel(DASHBOARD_VIEW_TYPE, `Dashboard: ${name}`, vscode.ViewColumn.Active, this.webviewOptions());
    this.adopt(panel, experimentPath);
  }

  serializer(): vscode.WebviewPanelSerializer<DashboardPanelState> {
    return {
      deserializeWebviewPanel: async (panel, state) => {
        if (!state || typeof state.experimentPath !== 'string') {
          panel.dispose();
          return;
        }
        panel.webview.options = this.webviewOptions();
        this.adopt(panel, state.experimentPath);
      },
    };
  }

  private webviewOptions(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(this.deps.extensionUri, 'dist', 'webview')],
    };
  }

  private adopt(panel: vscode.WebviewPanel, experimentPath: string): void {
    const dashboard = new DashboardPanel(panel, experimentPath, this.deps);
    this.panels.set(experimentPath, dashboard);
    panel.onDidDispose(() => {
      if (this.panels.get(experimentPath) === dashboard) this.panels.delete(experimentPath);
      dashboard.dispose();
    });
  }

  dispose(): void {
    for (const p of [...this.panels.values()]) p.panel.dispose();
  }
}

class DashboardPanel {
  private readonly feed: DashboardFeed;
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly histories = new Map<string, MetricPoint[]>();
  private facts: ExperimentRecordFacts | undefined;
  private timeline: TimelineReader | undefined;
  /** Bumped by every snapshot, so work for an older page is dropped. */
  private generation = 0;
  private ready = false;
  private flushTimer: NodeJS.Timeout | undefined;
  private flushing = false;
  /** A change arrived while a flush was reading the journal: flush again after it, or the run's last rows wait for a change that never comes. */
  private flushAgain = false;
  private disposed = false;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly experimentPath: string,
    private readonly deps: DashboardDeps,
  ) {
    this.feed = new DashboardFeed(experimentPath, deps.store);
    const webview = panel.webview;
    const asset = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(deps.extensionUri, 'dist', 'webview', file)).toString();
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'resources', 'tunekit.svg');
    webview.html = dashboardHtml({
      cspSource: webview.cspSource,
      nonce: randomBytes(18).toString('base64'),
      scriptUri: asset('dashboard.js'),
      styleUri: asset('dashboard.css'),
      title: panel.title,
    });
    this.subscriptions.push(
      webview.onDidReceiveMessage((m: unknown) => void this.receive(m)),
      // A hidden panel's page is discarded; it says `ready` again when shown.
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.ready = false;
      }),
      deps.store.onDidChange((change) => {
        if (change.reset || change.changedExperiments.has(experimentPath)) this.scheduleFlush();
      }),
    );
  }

  private post(message: ExtensionToDashboard): void {
    if (!this.disposed) void this.panel.webview.postMessage(message);
  }

  private async receive(raw: unknown): Promise<void> {
    const message = raw as DashboardToExtension;
    if (!message || typeof message !== 'object') return;
    try {
      if (message.type === 'ready') await this.sendSnapshot();
      else if (message.type === 'saveFile') await this.save(message);
      else if (message.type === 'error') this.deps.log.warn(`dashboard page: ${String(message.message)}`);
    } catch (e) {
      this.deps.log.error(`dashboard for ${this.experimentPath}: ${(e as Error).message}`);
    }
  }

  private async sendSnapshot(): Promise<void> {
    const generation = ++this.generation;
    this.facts ??= await readRecordFacts(this.experimentPath);
    this.timeline = new TimelineReader(this.experimentPath);
    const events = await this.timeline.read();
    if (generation !== this.generation) return;
    const snapshot = this.feed.snapshot(this.facts, events, Date.now() / 1000);
    if (!snapshot) {
      this.post({ type: 'notice', message: 'The runtime does not know this experiment yet; it appears once the runtime has loaded it.' });
      return;
    }
    this.ready = true;
    this.post(snapshot);
    await this.sendHistories(generation, snapshot.trials.map((t) => t.id));
  }

  /** Cached histories go at once; the rest load a few at a time and go in batches. */
  private async sendHistories(generation: number, ids: string[]): Promise<void> {
    const cached = new Map(ids.filter((id) => this.histories.has(id)).map((id) => [id, this.histories.get(id)!]));
    const missing = ids.filter((id) => !this.histories.has(id));
    if (cached.size || missing.length === 0) this.post(this.feed.history(cached, missing.length));
    let batch = new Map<string, MetricPoint[]>();
    let failed: string | undefined;
    let left = missing.length;
    const queue = [...missing];
    const worker = async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        try {
          const points = await this.deps.history(this.experimentPath, id);
          this.histories.set(id, points);
          batch.set(id, points);
        } catch (e) {
          failed ??= (e as Error).message;
        }
        left--;
        if (generation !== this.generation) return;
        if (batch.size >= HISTORY_BATCH || left === 0) {
          this.post(this.feed.history(batch, left));
          batch = new Map();
        }
      }
    };
    await Promise.all(Array.from({ length: HISTORY_CONCURRENCY }, worker));
    if (failed && generation === this.generation) {
      this.deps.log.warn(`dashboard: some metric histories of ${this.experimentPath} could not be loaded: ${failed}`);
      this.post({ type: 'notice', message: `Some metric histories could not be loaded: ${failed}` });
    }
  }

  private scheduleFlush(): void {
    if (this.flushTimer || this.disposed) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      void this.flush();
    }, STATE_DELTA_INTERVAL_MS);
  }

  private async flush(): Promise<void> {
    if (!this.ready || !this.timeline) return;
    if (this.flushing) {
      this.flushAgain = true;
      return;
    }
    this.flushing = true;
    try {
      const generation = this.generation;
      const events = await this.timeline.read();
      if (generation !== this.generation) return;
      const delta = this.feed.delta(events, Date.now() / 1000);
      if (delta) this.post(delta);
    } catch (e) {
      this.deps.log.warn(`dashboard: could not read the journal of ${this.experimentPath}: ${(e as Error).message}`);
    } finally {
      this.flushing = false;
      if (this.flushAgain) {
        this.flushAgain = false;
        this.scheduleFlush();
      }
    }
  }

  private async save(message: Extract<DashboardToExtension, { type: 'saveFile' }>): Promise<void> {
    const reply = (outcome: 'saved' | 'cancelled' | 'failed', detail?: string) => this.post({ type: 'saved', requestId: message.requestId, outcome, detail });
    if ((message.kind !== 'csv' && message.kind !== 'png') || typeof message.data !== 'string') return reply('failed', 'the page sent an unknown export');
    const name = basename(String(message.suggestedName)) || `export.${message.kind}`;
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.file(join(this.experimentPath, name)),
      filters: message.kind === 'csv' ? { CSV: ['csv'] } : { 'PNG image': ['png'] },
      saveLabel: 'Export',
    });
    if (!target) return reply('cancelled');
    try {
      const bytes = message.kind === 'csv' ? new TextEncoder().encode(message.data) : Buffer.from(message.data, 'base64');
      await vscode.workspace.fs.writeFile(target, bytes);
      reply('saved', target.fsPath);
    } catch (e) {
      reply('failed', (e as Error).message);
    }
  }

  dispose(): void {
    this.disposed = true;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    for (const s of this.subscriptions) s.dispose();
  }
}
