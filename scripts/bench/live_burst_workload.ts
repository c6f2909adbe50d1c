/**
 * Issue 15's live burst as the extension would post it: a dashboard opened on 40 running
 * trials before their first result, then 30 results each arriving at full speed, made by
 * the extension's own store and feed (not hand-built deltas), so their batching and
 * delivered-row marks are the real ones. Results carry whole seconds, as Ray's timestamp
 * does, and reach the store in runtime batches that cut across seconds and trials.
 * Also the same final state as a first render (snapshot and all histories at once), the
 * baseline that the burst is compared with.
 */
import { DashboardFeed } from '../../extension/dashboard_feed';
import { RuntimeStore } from '../../extension/store';
import type { DashboardExperiment, ExtensionToDashboard } from '../../protocol/dashboard_messages';
import type { ExperimentSummary, MetricPoint, TrialSummary } from '../../protocol/runtime_api';
import { trialKey } from '../../protocol/trial';

export interface BurstSize {
  trials: number;
  results: number;
  /** Rows per runtime state delta; each becomes one dashboard delta. */
  rowsPerBatch: number;
}

export interface BurstWorkload {
  /** Snapshot and (empty) history, posted before the first result. */
  opening: ExtensionToDashboard[];
  /** One per runtime batch, the last one finishing the experiment. */
  deltas: ExtensionToDashboard[];
  /** The final state posted to a fresh page at once: snapshot and every history. */
  firstRender: ExtensionToDashboard[];
  trialIds: string[];
}

const PATH = '/bench/asha40';
const START = 1_800_000_000;
const FACTS: Omit<DashboardExperiment, 'summary'> = {
  paramSpace: { train_loop_config: { lr: { loguniform: [1e-4, 1e-1] } } },
  capacity: { CPU: 40, gpus: [] },
  admission: 'coordinated',
};

function trialSummary(i: number): TrialSummary {
  const id = `burst_${String(i).padStart(5, '0')}`;
  return {
    experimentPath: PATH,
    id,
    index: i,
    name: `Trainer_${id}`,
    dir: `${PATH}/Trainer_${id}`,
    status: 'RUNNING',
    stoppedEarly: false,
    params: [{ path: 'train_loop_config/lr', value: 10 ** (-4 + (3 * i) / 40) }],
    config: {},
    iteration: 0,
    metrics: {},
    checkpoints: [],
    restores: [],
    decisions: [],
    workerLogs: [],
    pids: [],
    failures: 0,
  };
}

export function burstWorkload(size: BurstSize): BurstWorkload {
  const counts = (running: number) => ({ PENDING: 0, RUNNING: running, PAUSED: 0, TERMINATED: size.trials - running, ERROR: 0 });
  const summary: ExperimentSummary = { path: PATH, name: 'asha40', state: 'running', live: true, counts: counts(size.trials), startedAt: START, metric: 'loss', mode: 'min' };
  const trials = Array.from({ length: size.trials }, (_, i) => trialSummary(i));
  const store = new RuntimeStore();
  store.reset({ experiments: [summary], trials, resources: { cpu: { total: size.trials, used: size.trials, holders: [] }, gpus: [], waiting: [] } });
  const feed = new DashboardFeed(PATH, store);
  const opening = [feed.snapshot(FACTS, [], START)!, feed.history(new Map(), 0)];

  const rows: Array<[TrialSummary, MetricPoint]> = [];
  for (let r = 0; r < size.results; r++) {
    for (const t of trials) {
      const loss = 0.1 + 1 / (r + 1 + t.index / 10);
      rows.push([t, { iteration: r + 1, timeTotalS: (r + 1) * 0.1, ts: START + Math.floor(r / 10), values: { loss, acc: 1 / (1 + loss) } }]);
    }
  }
  const deltas: ExtensionToDashboard[] = [];
  for (let i = 0; i < rows.length; i += size.rowsPerBatch) {
    const points: Record<string, MetricPoint[]> = {};
    const changed = new Map<string, TrialSummary>();
    for (const [t, p] of rows.slice(i, i + size.rowsPerBatch)) {
      (points[trialKey(PATH, t.id)] ??= []).push(p);
      changed.set(t.id, { ...(store.trial(PATH, t.id) ?? t), iteration: p.iteration, metrics: p.values });
    }
    store.apply({ experiments: [], trials: [...changed.values()], points });
    const delta = feed.delta([], START + i / 100);
    if (delta) deltas.push(delta);
  }
  const finished = { ...summary, state: 'finished' as const, live: false, counts: counts(0), endedAt: START + size.results / 10 + 1 };
  store.apply({ experiments: [finished], trials: store.trialsOf(PATH).map((t) => ({ ...t, status: 'TERMINATED' as const })) });
  deltas.push(feed.delta([], finished.endedAt)!);

  // A fresh feed on the finished store: what a dashboard opened after the run is sent.
  const later = new DashboardFeed(PATH, store);
  const loaded = new Map(trials.map((t) => [t.id, store.points(PATH, t.id)]));
  const firstRender = [later.snapshot(FACTS, [], finished.endedAt)!, later.history(loaded, 0)];
  return { opening, deltas, firstRender, trialIds: trials.map((t) => t.id) };
}
