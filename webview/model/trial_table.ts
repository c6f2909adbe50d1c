/**
 * The trial table as data: its columns (id, status, iteration, each param, each metric),
 * sorting, and filtering by status, by value ranges and by a search of names and parameters. The CSV export and the DOM table
 * both read these rows, so what is exported is what is shown.
 */
import type { TrialSummary } from '../../protocol/runtime_api';
import type { TrialStatus } from '../../protocol/trial';
import { formatValue, shortParamName } from '../../protocol/format';
import { statusLabel, trialConstants } from '../../protocol/trial';
import { categoryLabel, paramValue } from './param_axes';

export interface Column {
  /** `id`, `status`, `iteration`, `param:<path>` or `metric:<name>`. */
  key: string;
  label: string;
  numeric: boolean;
  value(t: TrialSummary): string | number | undefined;
  /** The category a trial is in, spelled as a categorical axis labels it; what a `values` filter compares. */
  category?(t: TrialSummary): string | undefined;
}

export interface RangeFilter {
  key: string;
  min?: number;
  max?: number;
  /** Set: keep only these categories (as a categorical parallel axis labels them), and ignore min and max. */
  values?: string[];
}

export interface TableQuery {
  sort: { key: string; descending: boolean };
  /** Empty: every status. */
  statuses: TrialStatus[];
  ranges: RangeFilter[];
  /** Words a trial's id, name or a parameter (`lr=0.01`) must each contain; empty: no search. */
  search: string;
}

export const DEFAULT_QUERY: TableQuery = { sort: { key: 'id', descending: false }, statuses: [], ranges: [], search: '' };

export { statusLabel } from '../../protocol/trial';

export function tableColumns(paramPaths: readonly string[], metrics: readonly string[], paramLabel: (path: string) => string = (p) => p): Column[] {
  return [
    { key: 'id', label: 'trial', numeric: false, value: (t) => t.id },
    { key: 'status', label: 'status', numeric: false, value: statusLabel },
    { key: 'iteration', label: 'iter', numeric: true, value: (t) => t.iteration },
    ...paramPaths.map((path) => ({
      key: `param:${path}`,
      label: paramLabel(path),
      numeric: true,
      value: (t: TrialSummary) => {
        const v = paramValue(t, path);
        return typeof v === 'number' ? v : v === undefined ? undefined : formatValue(v);
      },
      category: (t: TrialSummary) => {
        const v = paramValue(t, path);
        return v === undefined ? undefined : categoryLabel(v);
      },
    })),
    ...metrics.map((m) => ({ key: `metric:${m}`, label: m, numeric: true, value: (t: TrialSummary) => t.metrics[m] })),
  ];
}

/** The columns the table shows: all but the hidden ones; the trial column always shows, so a row can be told apart. */
export function visibleColumns(columns: readonly Column[], hidden: readonly string[]): Column[] {
  const off = new Set(hidden);
  return columns.filter((c) => c.key === 'id' || !off.has(c.key));
}

/** What a cell shows: numbers as every surface spells them (protocol/format.ts), text as it is. */
export function cellText(value: string | number | undefined): string {
  return typeof value === 'number' ? formatValue(value) : (value ?? '');
}

/** One collator for every sort: localeCompare with options builds one per call, a thousand times a sort. */
const collator = new Intl.Collator(undefined, { numeric: true });

function compareValues(a: string | number | undefined, b: string | number | undefined): number {
  // Missing values sort last whatever the direction, so they never crowd the top.
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return collator.compare(String(a), String(b));
}

function passesRanges(t: TrialSummary, ranges: readonly RangeFilter[], columns: readonly Column[]): boolean {
  for (const r of ranges) {
    const column = columns.find((c) => c.key === r.key);
    if (!column) continue;
    if (r.values) {
      const c = column.category?.(t) ?? cellText(column.value(t));
      if (c === undefined || !r.values.includes(c)) return false;
      continue;
    }
    const v = column.value(t);
    if (typeof v !== 'number') return false;
    if (r.min !== undefined && v < r.min) return false;
    if (r.max !== undefined && v > r.max) return false;
  }
  return true;
}

/** Whether a query narrows the trials at all. */
export function filtering(query: TableQuery): boolean {
  return query.statuses.length > 0 || query.ranges.length > 0 || searchWords(query.search).length > 0;
}

function searchWords(search: string): string[] {
  return search.toLowerCase().split(/\s+/).filter(Boolean);
}

/**
 * What a search looks in: the trial's id and name, and each value it ran with, sampled or
 * constant (`epochs=10`, issue 15), as `name=value` (full path and last segment).
 */
function searchText(t: TrialSummary): string {
  const values = [...t.params, ...trialConstants(t)].map((p) => `${p.path}=${formatValue(p.value)} ${p.path.split('/').pop()}=${formatValue(p.value)}`);
  return [t.id, t.name, ...values].join(' ').toLowerCase();
}

/** A trial's hover lines: its status, each sampled value, then each constant it ran with, marked as such (issue 15). */
export function trialHoverLines(t: TrialSummary): string[] {
  return [
    statusLabel(t).toLowerCase(),
    ...t.params.map((p) => `${shortParamName(p.path)} = ${formatValue(p.value)}`),
    ...trialConstants(t).map((c) => `${shortParamName(c.path)} = ${formatValue(c.value)} (constant)`),
  ];
}

/** Trials whose id, name or parameters contain every word of `search` (issue 15: find a trial by name or parameter). */
export function matchesSearch(t: TrialSummary, search: string): boolean {
  const words = searchWords(search);
  if (!words.length) return true;
  const text = searchText(t);
  return words.every((w) => text.includes(w));
}

/** The trials that pass the query's filters, in their own order: what every chart shows (issue 15). */
export function filterTrials<T extends TrialSummary>(trials: readonly T[], columns: readonly Column[], query: TableQuery): T[] {
  if (!filtering(query)) return [...trials];
  const statuses = new Set(query.statuses);
  return trials.filter((t) => (statuses.size === 0 || statuses.has(t.status)) && passesRanges(t, query.ranges, columns) && matchesSearch(t, query.search));
}

/** The table column a parallel-coordinates axis stands for. */
export function columnKeyOfAxis(axisKey: string): string {
  return axisKey.startsWith('metric:') ? axisKey : `param:${axisKey}`;
}

export function tableRows(trials: readonly TrialSummary[], columns: readonly Column[], query: TableQuery): TrialSummary[] {
  const rows = filterTrials(trials, columns, query);
  const column = columns.find((c) => c.key === query.sort.key) ?? columns[0];
  const sign = query.sort.descending ? -1 : 1;
  return rows
    .map((t) => ({ t, v: column.value(t) }))
    .sort((a, b) => {
      const missing = (a.v === undefined ? 1 : 0) - (b.v === undefined ? 1 : 0);
      return missing || sign * compareValues(a.v, b.v) || a.t.index - b.t.index;
    })
    .map((r) => r.t);
}

/** Clicking a header sorts by it; clicking it again flips the direction. */
export function toggleSort(query: TableQuery, key: string): TableQuery {
  const descending = query.sort.key === key ? !query.sort.descending : false;
  return { ...query, sort: { key, descending } };
}

/**
 * Each column's width in `ch`: room for its header (with a sort arrow) and its widest value
 * among `sample`, within limits.
 */
export function columnWidths(columns: readonly Column[], sample: readonly TrialSummary[]): number[] {
  return columns.map((c) => {
    let widest = c.label.length + 2;
    for (const t of sample) {
      const text = cellText(c.value(t));
      if (text.length > widest) widest = text.length;
    }
    const limit = c.key === 'id' ? 30 : c.numeric ? 14 : 24;
    // Padding is about 2ch; the trial cell also holds a swatch and, on the best row, a star.
    return Math.min(limit, Math.max(c.numeric ? 6 : 8, widest)) + (c.key === 'id' ? 6 : 2);
  });
}
