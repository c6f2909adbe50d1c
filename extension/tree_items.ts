/**
 * The Experiments tree as data: label, description, icon, `contextValue` from a closed
 * set. experiments_tree.ts turns these into vscode.TreeItems; keeping them plain lets
 * them be tested without VS Code.
 */
import { BEST_SCOPE_LABEL, type ExperimentSummary, type TrialSummary } from '../protocol/runtime_api';
import { formatDuration, formatNumber, formatValue, shortParamName } from '../protocol/format';
import { statusLabel, stoppedByUser, trialKey, type TrialStatus } from '../protocol/trial';

/** Every contextValue the views use; package.json's menus match on these. */
export const CONTEXT_VALUES = [
  'experiment.running',
  'experiment.resumable',
  'experiment.finished',
  'trialGroup',
  'trial.pending',
  'trial.running',
  'trial.paused',
  'trial.finished',
  'trial.error',
  'section',
  'entry',
  'checkpoint',
  'event',
  'workerLog',
  'gpu',
  'cpu',
  'holder',
  'waitingGroup',
  'waiting',
  'clusterGroup',
  'clusterNode',
  'jobsGroup',
  'job',
] as const;
export type ContextValue = (typeof CONTEXT_VALUES)[number];

export interface Icon {
  /** A codicon id, e.g. `sync~spin`. */
  id: string;
  /** A theme colour id, e.g. `charts.green`. */
  color?: string;
}

export interface ItemData {
  /** Stable across refreshes, unique in its tree. */
  id: string;
  label: string;
  description?: string;
  tooltip?: string;
  icon?: Icon;
  contextValue: ContextValue;
  collapsible: 'none' | 'collapsed' | 'expanded';
  /** A file the item opens when clicked. */
  opens?: string;
}

/** More trials than this and the finished ones fold under one "Finished (n)" node. */
export const FINISHED_GROUP_THRESHOLD = 50;

const STATUS_ICONS: Record<TrialStatus, Icon> = {
  PENDING: { id: 'circle-outline' },
  RUNNING: { id: 'sync~spin' },
  PAUSED: { id: 'debug-pause' },
  TERMINATED: { id: 'pass', color: 'charts.green' },
  ERROR: { id: 'error', color: 'charts.red' },
};

export function trialIcon(t: Pick<TrialSummary, 'status' | 'stoppedEarly' | 'endReason'>): Icon {
  if (stoppedByUser(t)) return { id: 'debug-stop', color: 'charts.orange' };
  if (t.status === 'TERMINATED' && t.stoppedEarly) return { id: 'stop-circle', color: 'charts.yellow' };
  return STATUS_ICONS[t.status];
}

export function isFinished(t: Pick<TrialSummary, 'status'>): boolean {
  return t.status === 'TERMINATED' || t.status === 'ERROR';
}

export function experimentContext(e: ExperimentSummary): ContextValue {
  if (e.live && e.state === 'running') return 'experiment.running';
  return e.state === 'finished' ? 'experiment.finished' : 'experiment.resumable';
}

function experimentIcon(e: ExperimentSummary): Icon {
  if (e.live && e.state === 'running') return { id: 'sync~spin' };
  switch (e.state) {
    case 'finished':
      return { id: 'pass', color: 'charts.green' };
    case 'failed':
      return { id: 'error', color: 'charts.red' };
    case 'stopped':
      return { id: 'stop-circle', color: 'charts.yellow' };
    default:
      return { id: 'debug-disconnect', color: 'charts.yellow' };
  }
}

/** "8 running · 12/40 done · best val_acc 0.981 (last result) · 3m12s": each number says what it counts. */
export function experimentDescription(e: ExperimentSummary, nowS: number): string {
  const c = e.counts;
  const known = c.PENDING + c.RUNNING + c.PAUSED + c.TERMINATED + c.ERROR;
  const parts = c.RUNNING ? [`${c.RUNNING} running`] : [];
  parts.push(`${c.TERMINATED + c.ERROR}/${Math.max(e.totalTrials ?? 0, known)} done`);
  if (e.best && e.metric) parts.push(`best ${e.metric} ${formatNumber(e.best.value)} (${BEST_SCOPE_LABEL.last})`);
  parts.push(formatDuration((e.endedAt ?? nowS) - e.startedAt));
  return parts.join(' · ');
}

export function experimentItem(e: ExperimentSummary, nowS: number): ItemData {
  const state = e.live && e.state === 'running' ? 'running' : e.state;
  return {
    id: `exp:${e.path}`,
    label: e.name,
    description: experimentDescription(e, nowS),
    tooltip: [`${e.name} (${state})`, e.path, e.reason].filter(Boolean).join('\n'),
    icon: experimentIcon(e),
    contextValue: experimentContext(e),
    collapsible: e.live ? 'expanded' : 'collapsed',
  };
}

/** "lr=0.001221 batch_size=16 · val_acc 0.981". */
export function trialDescription(t: TrialSummary, metric?: string): string {
  const params = t.params.map((p) => `${shortParamName(p.path)}=${formatValue(p.value)}`).join(' ');
  const value = metric === undefined ? undefined : t.metrics[metric];
  const parts = [params];
  if (value !== undefined) parts.push(`${metric} ${formatNumber(value)}`);
  else if (t.iteration > 0) parts.push(`iter ${t.iteration}`);
  if (t.job) parts.push(`job ${t.job.id} ${t.job.state === 'PENDING' ? `queued (${t.job.reason ?? 'pending'})` : `on ${t.job.nodes ?? '?'}`}`);
  return parts.filter(Boolean).join(' · ');
}

const TRIAL_CONTEXT: Record<TrialStatus, ContextValue> = {
  PENDING: 'trial.pending',
  RUNNING: 'trial.running',
  PAUSED: 'trial.paused',
  TERMINATED: 'trial.finished',
  ERROR: 'trial.error',
};

export function trialItem(t: TrialSummary, metric?: string): ItemData {
  const why = t.waitingReason ?? t.endReason;
  return {
    id: `trial:${trialKey(t.experimentPath, t.id)}`,
    label: t.id,
    description: trialDescription(t, metric),
    tooltip: [
      `${t.name}`,
      `${statusLabel(t)} at iteration ${t.iteration}`,
      why,
      t.job ? `Slurm job ${t.job.id} (${t.job.name}): ${t.job.state}${t.job.nodes ? ` on ${t.job.nodes}` : ''}` : undefined,
    ]
      .filter(Boolean)
      .join('\n'),
    icon: trialIcon(t),
    contextValue: TRIAL_CONTEXT[t.status],
    collapsible: 'collapsed',
  };
}

/** Which trials show directly under an experiment, and which fold into "Finished (n)". */
export function splitTrials(trials: TrialSummary[], threshold = FINISHED_GROUP_THRESHOLD): {
  shown: TrialSummary[];
  finished?: TrialSummary[];
} {
  if (trials.length <= threshold) return { shown: trials };
  return { shown: trials.filter((t) => !isFinished(t)), finished: trials.filter(isFinished) };
}

export function finishedGroupItem(experimentPath: string, count: number): ItemData {
  return {
    id: `finished:${experimentPath}`,
    label: `Finished (${count})`,
    icon: { id: 'check-all' },
    contextValue: 'trialGroup',
    collapsible: 'collapsed',
  };
}

export type TrialSection = 'config' | 'metrics' | 'checkpoints' | 'events' | 'logs';

/** The sections under a trial; empty ones are left out. */
export function trialSections(t: TrialSummary): Array<{ section: TrialSection; item: ItemData }> {
  const base = trialKey(t.experimentPath, t.id);
  const section = (s: TrialSection, label: string, icon: string, description?: string) => ({
    section: s,
    item: { id: `${s}:${base}`, label, description, icon: { id: icon }, contextValue: 'section' as const, collapsible: 'collapsed' as const },
  });
  const events = t.restores.length + t.decisions.length + (t.refusedCheckpoints?.length ?? 0);
  return [
    section('config', 'Config', 'settings-gear'),
    Object.keys(t.metrics).length ? section('metrics', 'Last metrics', 'graph-line', `iteration ${t.iteration}`) : undefined,
    t.checkpoints.length ? section('checkpoints', 'Checkpoints', 'save', String(t.checkpoints.length)) : undefined,
    events ? section('events', 'Events', 'history', String(events)) : undefined,
    t.workerLogs.length ? section('logs', 'Worker logs', 'output', String(t.workerLogs.length)) : undefined,
  ].filter((s): s is NonNullable<typeof s> => s !== undefined);
}

function flatten(value: unknown, prefix: string, out: Array<[string, unknown]>): void {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}/${k}` : k, out);
  } else out.push([prefix, value]);
}

function entry(id: string, label: string, description: string, contextValue: ContextValue = 'entry', icon?: Icon): ItemData {
  return { id, label, description, contextValue, collapsible: 'none', icon };
}

export function sectionItems(t: TrialSummary, section: TrialSection): ItemData[] {
  const base = trialKey(t.experimentPath, t.id);
  switch (section) {
    case 'config': {
      const rows: Array<[string, unknown]> = [];
      flatten(t.config, '', rows);
      const sampled = new Set(t.params.map((p) => p.path));
      return rows.map(([k, v]) =>
        sampled.has(k)
          ? { ...entry(`config:${base}:${k}`, k, formatValue(v)), tooltip: `${k}: sampled for this trial` }
          : { ...entry(`config:${base}:${k}`, k, `${formatValue(v)} · constant`), tooltip: `${k}: the same for every trial (a constant of the spec)` },
      );
    }
    case 'metrics':
      return Object.entries(t.metrics).map(([k, v]) => entry(`metric:${base}:${k}`, k, formatNumber(v)));
    case 'checkpoints':
      return t.checkpoints.map((c) =>
        entry(
          `ckpt:${base}:${c.name}`,
          c.name,
          `iteration ${c.iteration}${c.restoredFrom ? ' · restored from' : ''}`,
          'checkpoint',
          c.restoredFrom ? { id: 'debug-step-back', color: 'charts.blue' } : { id: 'save' },
        ),
      );
    case 'events':
      return [
        ...t.restores.map((r, i) => ({
          ts: r.ts,
          item: entry(`restore:${base}:${i}`, `restored at iteration ${r.iteration}`, r.reason, 'event', {
            id: r.afterFailure ? 'debug-restart' : 'debug-step-back',
            color: r.afterFailure ? 'charts.yellow' : undefined,
          }),
        })),
        ...t.decisions.map((d, i) => ({
          ts: d.ts,
          item: entry(`decision:${base}:${i}`, `${d.kind.replace(/_/g, ' ')} at iteration ${d.iteration}`, d.reason, 'event', {
            id: d.kind === 'stop' ? 'stop-circle' : d.kind === 'pause' ? 'debug-pause' : 'arrow-up',
            color: d.kind === 'stop' ? 'charts.yellow' : undefined,
          }),
        })),
        ...(t.refusedCheckpoints ?? []).map((r, i) => ({
          ts: r.ts,
          item: entry(`refused:${base}:${i}`, `checkpoint refused at iteration ${r.iteration}`, r.reason, 'event', { id: 'warning', color: 'charts.red' }),
        })),
      ]
        .sort((a, b) => a.ts - b.ts)
        .map((e) => e.item);
    case 'logs':
      return t.workerLogs.map((file) => {
        const name = file.slice(file.lastIndexOf('/') + 1);
        return { ...entry(`log:${base}:${file}`, name, '', 'workerLog', { id: 'file' }), tooltip: file, opens: file };
      });
  }
}
