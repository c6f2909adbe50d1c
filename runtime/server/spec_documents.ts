/**
 * The spec files one client has open (full-text sync), and their diagnostics, recomputed
 * a moment after typing pauses rather than on every keystroke.
 */
import { fileURLToPath } from 'node:url';
import type { Diagnostic } from 'vscode-languageserver/node';
import type { HardwareReport } from '../hardware/report';
import { isSpecFile, specDiagnostics } from './spec_language';

export const DIAGNOSTICS_DELAY_MS = 200;

interface OpenDocument {
  text: string;
  version: number;
  timer?: NodeJS.Timeout;
}

/** A file path for the validator; an unsaved document keeps its URI. */
export function fileOfUri(uri: string): string {
  if (!uri.startsWith('file:')) return uri;
  try {
    return fileURLToPath(uri);
  } catch {
    return uri;
  }
}

export class SpecDocuments {
  private readonly open = new Map<string, OpenDocument>();

  constructor(
    private readonly publish: (uri: string, diagnostics: Diagnostic[], version: number) => void,
    private readonly delayMs = DIAGNOSTICS_DELAY_MS,
    /** The machine, so a trial that could never fit is shown as `tunekit validate` shows it. */
    private readonly hardware: () => Promise<HardwareReport | undefined> = async () => undefined,
  ) {}

  /** Opened or changed: only spec files are tracked. */
  update(uri: string, text: string, version: number): void {
    if (!isSpecFile(fileOfUri(uri))) return;
    const doc = this.open.get(uri) ?? { text, version };
    Object.assign(doc, { text, version });
    this.open.set(uri, doc);
    if (doc.timer) clearTimeout(doc.timer);
    doc.timer = setTimeout(() => {
      doc.timer = undefined;
      void this.check(uri, doc);
    }, this.delayMs);
  }

  /** Checks read the disk (working_dir, storage_path), so a newer edit or a close may overtake them. */
  private async check(uri: string, doc: OpenDocument): Promise<void> {
    const { text, version } = doc;
    const hardware = await this.hardware().catch(() => undefined);
    const diagnostics = await specDiagnostics(text, fileOfUri(uri), { hardware, onDisk: uri.startsWith('file:') });
    if (this.open.get(uri) === doc && doc.version === version && doc.timer === undefined) this.publish(uri, diagnostics, version);
  }

  close(uri: string): void {
    const doc = this.open.get(uri);
    if (!doc) return;
    if (doc.timer) clearTimeout(doc.timer);
    this.open.delete(uri);
    this.publish(uri, [], doc.version);
  }

  text(uri: string): string | undefined {
    return this.open.get(uri)?.text;
  }

  dispose(): void {
    for (const doc of this.open.values()) if (doc.timer) clearTimeout(doc.timer);
    this.open.clear();
  }
}
