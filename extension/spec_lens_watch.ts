/**
 * Tells the spec lenses to refresh the moment a store update changes what they show (■ Stop
 * becomes Resume or Open Dashboard when a run ends), and not for the results that stream in
 * between. A timer here left ■ Stop on screen after the end (issue 15). No vscode import.
 */
import { specLenses } from './spec_actions';
import type { RuntimeStore } from './store';

/** Spec path → the lenses its newest experiment gives it, as the CodeLens provider looks it up. */
function lensesBySpec(store: RuntimeStore): Map<string, string> {
  const shown = new Map<string, string>();
  for (const e of store.experiments()) {
    if (e.specPath !== undefined && !shown.has(e.specPath)) shown.set(e.specPath, specLenses(e, true).join('\0'));
  }
  return shown;
}

function sameLenses(a: Map<string, string>, b: Map<string, string>): boolean {
  return a.size === b.size && [...a].every(([spec, lenses]) => b.get(spec) === lenses);
}

export class SpecLensWatch {
  private shown: Map<string, string>;
  private readonly subscription: { dispose(): void };

  constructor(store: RuntimeStore, changed: () => void) {
    this.shown = lensesBySpec(store);
    this.subscription = store.onDidChange(() => {
      const now = lensesBySpec(store);
      if (sameLenses(now, this.shown)) return;
      this.shown = now;
      changed();
    });
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
