/**
 * The dashboard webview ⇄ extension contract (issue 7). Both sides import these unions,
 * so no message shape is written twice. Data flows one way: runtime → extension store →
 * dashboard; the dashboard only ever asks the extension to save a file it produced.
 */
import type { JournalEvent } from './journal';
import type { ExperimentSummary, TrialSummary } from './runtime_api';
import type { AdmissionMode, ParamSpace } from './spec';

/** The webview panel type; also the `onWebviewPanel:` activation event's suffix. */
export const DASHBOARD_VIEW_TYPE = 'tunekit.dashboard';

/** The journal events the concurrency slots timeline is built from. */
export type TimelineEvent = Extract<
  JournalEvent,
  { type: 'experiment_started' | 'experiment_finished' | 'trial_waiting' | 'trial_started' | 'trial_paused' | 'trial_restored' | 'trial_finished' }
>;

export const TIMELINE_EVENT_TYPES: ReadonlySet<string> = new Set<TimelineEvent['type']>([
  'experiment_started',
  'experiment_finished',
  'trial_waiting',
  'trial_started',
  'trial_paused',
  'trial_restored',
  'trial_finished',
]);

/** What the dashboard draws besides trials: the summary plus what `experiment.json` records. */
export interface DashboardExperiment {
  summary: ExperimentSummary;
  /** The spec's param_space: it says which axes are log-scaled or categorical. */
  paramSpace: ParamSpace;
  /** What the ledger could hand out: the CPU count and the GPU device indices. */
  capacity: { CPU: number; gpus: number[] };
  admission: AdmissionMode;
}

/**
 * A trial's metric points column by column (row i is entry i of each array; null where a row
 * lacks a metric). 200,000 points as objects cost the page a second to receive; as columns
 * of numbers, a tenth of that.
 */
export interface PointColumns {
  iteration: number[];
  timeTotalS: number[];
  ts: number[];
  values: Record<string, Array<number | null>>;
}

/**
 * Which of a trial's rows were delivered. Results carry whole seconds (Ray's `timestamp`),
 * so one second holds many rows of a fast trial and the timestamp alone cannot say where
 * delivery stopped: the mark keeps the last second delivered and the rows of that second
 * (by iteration and time_total_s), so a later batch of the same second is neither dropped
 * nor doubled (issue 15). Rows of one trial arrive in order.
 */
export interface DeliveredRows {
  ts: number;
  rowsAtTs: Set<string>;
}

export function noRowsDelivered(): DeliveredRows {
  return { ts: -Infinity, rowsAtTs: new Set() };
}

function rowOfSecond(iteration: number, timeTotalS: number): string {
  return `${iteration}/${timeTotalS}`;
}

export function isDelivered(mark: DeliveredRows, ts: number, iteration: number, timeTotalS: number): boolean {
  return ts < mark.ts || (ts === mark.ts && mark.rowsAtTs.has(rowOfSecond(iteration, timeTotalS)));
}

export function markDelivered(mark: DeliveredRows, ts: number, iteration: number, timeTotalS: number): void {
  if (ts > mark.ts) {
    mark.ts = ts;
    mark.rowsAtTs.clear();
  }
  if (ts === mark.ts) mark.rowsAtTs.add(rowOfSecond(iteration, timeTotalS));
}

/** Metric points per trial id, as columns. */
export type PointsByTrial = Record<string, PointColumns>;

export type ExtensionToDashboard =
  /** Extension → dashboard: everything but metric histories; answers every `ready` and replaces all state. */
  | { type: 'snapshot'; experiment: DashboardExperiment; trials: TrialSummary[]; timeline: TimelineEvent[]; now: number }
  /** Extension → dashboard: whole metric histories of some trials, replacing what it had for them; `pending` trials are still loading. */
  | { type: 'history'; points: PointsByTrial; pending: number }
  /** Extension → dashboard: what changed since the last message (changed trials, appended points, new journal events), a few times a second at most. */
  | { type: 'delta'; summary?: ExperimentSummary; trials: TrialSummary[]; points: PointsByTrial; timeline: TimelineEvent[]; now: number }
  /** Extension → dashboard: how a `saveFile` ended. */
  | { type: 'saved'; requestId: number; outcome: 'saved' | 'cancelled' | 'failed'; detail?: string }
  /** Extension → dashboard: one sentence to show above the charts (e.g. histories could not be loaded). */
  | { type: 'notice'; message: string };

export type DashboardToExtension =
  /** Dashboard → extension: the page is loaded and listening; send a snapshot. */
  | { type: 'ready' }
  /** Dashboard → extension: save what the page exported (CSV text, or a PNG as base64) where the user picks. */
  | { type: 'saveFile'; requestId: number; kind: 'csv' | 'png'; suggestedName: string; data: string }
  /** Dashboard → extension: a script error in the page, for the extension's log. */
  | { type: 'error'; message: string };

/** What the page keeps with `setState`; the panel serializer reads `experimentPath` to revive it. */
export interface DashboardPanelState {
  experimentPath: string;
  /** The page's own UI state (metric, filters, selection); only the page reads it. */
  ui?: unknown;
}
