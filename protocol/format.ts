/**
 * How numbers, durations and parameter names read on every surface: the CLI, the trees and the
 * dashboard import these, so a learning rate or an elapsed time reads the same everywhere
 * (issue 13 §4). Plain functions, no vscode, no node: the webview bundles this file too.
 */

/**
 * 4 significant digits, no exponent for ordinary magnitudes, no trailing noise:
 * 0.9812, 0.0005, 0.001221, 1234, 123500; 1.5e-7 and 1.23e+9 at the extremes.
 */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (Number.isInteger(value) && abs < 1e9) return String(value);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e9)) return value.toExponential(2).replace(/\.?0+e/, 'e');
  return String(Number(value.toPrecision(4)));
}

/** A value of any kind as a table cell or a `name=value` pair; a missing value is an empty cell. */
export function formatValue(value: unknown): string {
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  return JSON.stringify(value);
}

/** 1.5s under ten seconds, then 45s, 3m12s, 2h05m. */
export function formatDuration(seconds: number): string {
  if (seconds < 10 && !Number.isInteger(seconds)) return `${Math.max(0, Math.round(seconds * 10) / 10)}s`;
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** The last segment of a parameter path: `train_loop_config/lr` → `lr`. */
export function shortParamName(path: string): string {
  const parts = path.split('/');
  return parts[parts.length - 1] || path;
}
