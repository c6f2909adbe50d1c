/** The trial table as CSV (RFC 4180): the shown columns and rows, numbers at full precision. */
import type { TrialSummary } from '../../protocol/runtime_api';
import type { Column } from './trial_table';

function field(value: string | number | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  // A leading = + - @ makes spreadsheets evaluate a cell; a quote mark keeps it text.
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(columns: readonly Column[], rows: readonly TrialSummary[]): string {
  const lines = [columns.map((c) => field(c.label)).join(',')];
  for (const t of rows) lines.push(columns.map((c) => field(c.value(t))).join(','));
  return lines.join('\r\n') + '\r\n';
}
