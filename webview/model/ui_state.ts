/**
 * What the page remembers with setState (metric, axes, table query, selection), and how a
 * saved value is read back: anything malformed falls back to the default, never throws.
 */
import type { TrialStatus } from '../../protocol/trial';
import type { BestScope } from './best_so_far';
import { clampSmoothing } from './curve_smoothing';
import { readXAxis, type XAxis } from './series';
import { DEFAULT_QUERY, type RangeFilter, type TableQuery } from './trial_table';

export interface UiState {
  /** Unset: the experiment's own metric. */
  metric?: string;
  mode: 'auto' | 'min' | 'max';
  /** Which result of a trial "best" compares (Ray's get_best_result scope). */
  scope: BestScope;
  xAxis: XAxis;
  /** The learning curves' y axis. */
  yScale: 'linear' | 'log';
  /** The curves' EMA weight (TensorBoard's smoothing), 0: off. */
  smoothing: number;
  /** The param on the scatter's x axis; unset: the first. */
  scatterParam?: string;
  query: TableQuery;
  /** Table columns the user hid (column keys). */
  hiddenColumns: string[];
  selection: string[];
  differencesOnly: boolean;
}

export const DEFAULT_UI_STATE: UiState = { mode: 'auto', scope: 'last', xAxis: 'training_iteration', yScale: 'linear', smoothing: 0, query: DEFAULT_QUERY, hiddenColumns: [], selection: [], differencesOnly: true };

const STATUSES: readonly TrialStatus[] = ['PENDING', 'RUNNING', 'PAUSED', 'TERMINATED', 'ERROR'];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const optionalNumber = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function readQuery(raw: unknown): TableQuery {
  if (!isObject(raw)) return DEFAULT_QUERY;
  const sort = isObject(raw.sort) && typeof raw.sort.key === 'string' ? { key: raw.sort.key, descending: raw.sort.descending === true } : DEFAULT_QUERY.sort;
  const statuses = Array.isArray(raw.statuses) ? raw.statuses.filter((s): s is TrialStatus => STATUSES.includes(s as TrialStatus)) : [];
  const ranges: RangeFilter[] = Array.isArray(raw.ranges)
    ? raw.ranges.filter((r): r is Record<string, unknown> => isObject(r) && typeof r.key === 'string').map((r) => ({
        key: r.key as string,
        min: optionalNumber(r.min),
        max: optionalNumber(r.max),
        ...(Array.isArray(r.values) ? { values: r.values.filter((v): v is string => typeof v === 'string') } : {}),
      }))
    : [];
  return { sort, statuses, ranges, search: typeof raw.search === 'string' ? raw.search : '' };
}

export function restoreUiState(raw: unknown): UiState {
  if (!isObject(raw)) return DEFAULT_UI_STATE;
  return {
    metric: typeof raw.metric === 'string' ? raw.metric : undefined,
    mode: raw.mode === 'min' || raw.mode === 'max' ? raw.mode : 'auto',
    scope: raw.scope === 'all' ? 'all' : 'last',
    xAxis: readXAxis(raw.xAxis),
    yScale: raw.yScale === 'log' ? 'log' : 'linear',
    smoothing: clampSmoothing(raw.smoothing),
    scatterParam: typeof raw.scatterParam === 'string' ? raw.scatterParam : undefined,
    query: readQuery(raw.query),
    hiddenColumns: Array.isArray(raw.hiddenColumns) ? raw.hiddenColumns.filter((s): s is string => typeof s === 'string') : [],
    selection: Array.isArray(raw.selection) ? raw.selection.filter((s): s is string => typeof s === 'string') : [],
    differencesOnly: raw.differencesOnly !== false,
  };
}
