/** The status bar item: one health state, recomputed when the store, connection or trust changes. */
import * as vscode from 'vscode';
import { healthOf, type Health } from './health';
import type { RuntimeConnection } from './runtime_connection';
import type { RuntimeStore } from './store';

const BACKGROUNDS: Record<Health['severity'], vscode.ThemeColor | undefined> = {
  ok: undefined,
  warning: new vscode.ThemeColor('statusBarItem.warningBackground'),
  error: new vscode.ThemeColor('statusBarItem.errorBackground'),
};

export class HealthStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('tunekit.health', vscode.StatusBarAlignment.Left, 10);
  private readonly subscriptions: Array<{ dispose(): void }> = [];
  private lastHealth: Health | undefined;

  constructor(
    private readonly store: RuntimeStore,
    private readonly connection: RuntimeConnection,
  ) {
    this.item.name = 'Tunekit';
    this.item.command = 'tunekit.openDashboard';
    this.subscriptions.push(
      store.onDidChange(() => this.update()),
      connection.onDidChangeState(() => this.update()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.update()),
    );
    this.update();
    this.item.show();
  }

  get health(): Health | undefined {
    return this.lastHealth;
  }

  private update(): void {
    const health = healthOf(this.store, this.connection.state, vscode.workspace.isTrusted);
    this.lastHealth = health;
    this.item.text = `$(${health.icon}) ${health.text}`;
    this.item.tooltip = health.tooltip;
    this.item.backgroundColor = BACKGROUNDS[health.severity];
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.item.dispose();
  }
}
