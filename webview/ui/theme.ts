/**
 * Chart colours from VS Code's `--vscode-*` variables, read again when the theme changes:
 * VS Code swaps the body's class (vscode-light, vscode-dark, vscode-high-contrast) and its
 * `data-vscode-theme-kind` attribute, which a MutationObserver sees.
 */
import { withAlpha } from '../model/color';
import { TrialColors } from '../model/trial_colors';

export interface Palette {
  kind: string;
  foreground: string;
  muted: string;
  grid: string;
  background: string;
  /** The best trial. */
  best: string;
  /** Selected rows and focus. */
  focus: string;
  error: string;
  warning: string;
  /** Trial colours, by trial index. */
  series: string[];
  fontFamily: string;
  fontSize: number;
}

function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
  return style.getPropertyValue(name).trim() || fallback;
}

export function readPalette(): Palette {
  const style = getComputedStyle(document.body);
  const kind = document.body.getAttribute('data-vscode-theme-kind') ?? document.body.className;
  const dark = /dark|high-contrast(?!-light)/.test(kind);
  const foreground = cssVar(style, '--vscode-foreground', dark ? '#cccccc' : '#333333');
  return {
    kind,
    foreground,
    muted: cssVar(style, '--vscode-descriptionForeground', withAlpha(foreground, 0.7)),
    grid: cssVar(style, '--vscode-charts-lines', withAlpha(foreground, 0.15)),
    background: cssVar(style, '--vscode-editor-background', dark ? '#1e1e1e' : '#ffffff'),
    best: cssVar(style, '--vscode-charts-yellow', '#cca700'),
    focus: cssVar(style, '--vscode-focusBorder', '#0078d4'),
    error: cssVar(style, '--vscode-charts-red', '#f14c4c'),
    warning: cssVar(style, '--vscode-charts-orange', '#d18616'),
    series: ['blue', 'green', 'purple', 'orange', 'red', 'yellow'].map((c, i) =>
      cssVar(style, `--vscode-charts-${c}`, ['#3794ff', '#89d185', '#b180d7', '#d18616', '#f14c4c', '#cca700'][i]),
    ),
    fontFamily: cssVar(style, '--vscode-font-family', 'system-ui, sans-serif'),
    fontSize: parseFloat(cssVar(style, '--vscode-font-size', '13')) || 13,
  };
}

let trialColors: TrialColors | undefined;

/**
 * A trial's identity colour, the same in every chart and the table's swatch: opaque, one of
 * many distinct ones, readable on this theme's background (see trial_colors.ts).
 */
export function trialColor(palette: Palette, index: number): string {
  const highContrast = /high-contrast/.test(palette.kind);
  if (!trialColors || trialColors.background !== palette.background || trialColors.highContrast !== highContrast) {
    trialColors = new TrialColors(palette.background, highContrast);
  }
  return trialColors.of(index);
}

/** Calls `onChange` with a fresh palette whenever VS Code switches theme. */
export function watchTheme(onChange: (palette: Palette) => void): () => void {
  let last = readPalette();
  const observer = new MutationObserver(() => {
    const next = readPalette();
    if (JSON.stringify(next) !== JSON.stringify(last)) onChange((last = next));
  });
  observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind', 'style'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
  return () => observer.disconnect();
}
