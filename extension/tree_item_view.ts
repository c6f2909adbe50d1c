/** Turns the trees' plain ItemData into vscode.TreeItems. */
import * as vscode from 'vscode';
import type { ItemData } from './tree_items';

const COLLAPSIBLE = {
  none: vscode.TreeItemCollapsibleState.None,
  collapsed: vscode.TreeItemCollapsibleState.Collapsed,
  expanded: vscode.TreeItemCollapsibleState.Expanded,
} as const;

export function toTreeItem(data: ItemData): vscode.TreeItem {
  const item = new vscode.TreeItem(data.label, COLLAPSIBLE[data.collapsible]);
  item.id = data.id;
  item.description = data.description;
  item.tooltip = data.tooltip;
  item.contextValue = data.contextValue;
  if (data.icon) item.iconPath = new vscode.ThemeIcon(data.icon.id, data.icon.color ? new vscode.ThemeColor(data.icon.color) : undefined);
  if (data.opens) {
    const uri = vscode.Uri.file(data.opens);
    item.resourceUri = uri;
    item.command = { command: 'vscode.open', title: 'Open', arguments: [uri] };
  }
  return item;
}
