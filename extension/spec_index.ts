/** The workspace's specs, parsed once and kept fresh by a file watcher, for the script lenses. */
import * as vscode from 'vscode';
import { parseSpecObject, SPEC_GLOB } from './spec_discovery';

export interface IndexedSpec {
  uri: vscode.Uri;
  raw: Record<string, unknown> | undefined;
}

const EXCLUDE = '**/{node_modules,.git,tunekit_results}/**';
const MAX_SPECS = 500;

export class SpecIndex implements vscode.Disposable {
  private specs: Promise<Map<string, IndexedSpec>> | undefined;
  private readonly watcher = vscode.workspace.createFileSystemWatcher(SPEC_GLOB);
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor() {
    const forget = () => {
      this.specs = undefined;
      this.changed.fire();
    };
    this.watcher.onDidCreate(forget);
    this.watcher.onDidChange(forget);
    this.watcher.onDidDelete(forget);
  }

  all(): Promise<IndexedSpec[]> {
    this.specs ??= this.load();
    return this.specs.then((m) => [...m.values()]);
  }

  private async load(): Promise<Map<string, IndexedSpec>> {
    const uris = await vscode.workspace.findFiles(SPEC_GLOB, EXCLUDE, MAX_SPECS);
    const entries = await Promise.all(
      uris.map(async (uri): Promise<IndexedSpec> => {
        try {
          const bytes = await vscode.workspace.fs.readFile(uri);
          return { uri, raw: parseSpecObject(Buffer.from(bytes).toString('utf8')) };
        } catch {
          return { uri, raw: undefined };
        }
      }),
    );
    entries.sort((a, b) => a.uri.fsPath.localeCompare(b.uri.fsPath));
    return new Map(entries.map((e) => [e.uri.toString(), e]));
  }

  dispose(): void {
    this.watcher.dispose();
    this.changed.dispose();
  }
}
