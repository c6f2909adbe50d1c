/**
 * A finished 40-trial ASHA-like experiment on 4 CPUs, built in code: five searched params
 * (two log-scaled, one categorical), three metrics with long similar names, 36 trials that
 * wait for a slot, and early stops. What the readability tests of issue 15 need.
 */
import type { ExtensionToDashboard, PointColumns, TimelineEvent } from '../../protocol/dashboard_messages';
import type { TrialSummary } from '../../protocol/runtime_api';
import { trial } from '../unit/webview/trials';

export const MANY = 40;
const T0 = 2_000_000_000;

/** Deterministic 0..1 numbers. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

const rank = (e: TimelineEvent) => (e.type === 'trial_finished' ? 0 : 1);

export function manyTrials(n = MANY): ExtensionToDashboard[] {
  const r = rng(15);
  const trials: TrialSummary[] = [];
  const points: Record<string, PointColumns> = {};
  const timeline: TimelineEvent[] = [{ type: 'experiment_started', ts: T0, experiment_id: 'x', name: 'asha40' }];
  const grant = { trainable: { CPU: 0, gpus: [] }, workers: [{ CPU: 1, gpus: [] }] };
  const free: number[] = [T0, T0, T0, T0];
  for (let i = 0; i < n; i++) {
    const id = `e0f1a_${String(i).padStart(5, '0')}`;
    const lr = 10 ** (-5 + 4 * r());
    const wd = 10 ** (-6 + 3 * r());
    const batch = [16, 32, 64, 128][Math.floor(r() * 4)];
    const dropout = Math.round(r() * 50) / 100;
    const hidden = 32 + Math.floor(r() * 480);
    const iterations = r() < 0.3 ? 30 : [3, 9, 27][Math.floor(r() * 3)];
    const quality = Math.abs(Math.log10(lr) + 2.5) / 3 + dropout / 4;
    const cols: PointColumns = { iteration: [], timeTotalS: [], ts: [], values: { val_loss: [], val_accuracy: [], train_loss: [] } };
    // Admitted when the earliest slot frees.
    const slot = free.indexOf(Math.min(...free));
    const start = free[slot];
    if (start > T0) timeline.push({ type: 'trial_waiting', ts: T0 + 0.01 * i, trial_id: id, reason: 'needs 1 CPU, 0 free' });
    timeline.push({ type: 'trial_started', ts: start, trial_id: id, grant, pids: [1000 + i] });
    for (let it = 1; it <= iterations; it++) {
      const loss = 0.05 + quality * 0.8 + 2 / (it + 1) + r() * 0.02;
      cols.iteration.push(it);
      cols.timeTotalS.push(it * 0.5);
      cols.ts.push(start + it * 0.5);
      cols.values.val_loss.push(loss);
      cols.values.val_accuracy.push(1 - loss / 3);
      cols.values.train_loss.push(loss * 0.9);
    }
    const end = start + iterations * 0.5 + 0.1;
    free[slot] = end;
    const stopped = iterations < 30;
    timeline.push({ type: 'trial_finished', ts: end, trial_id: id, status: 'TERMINATED', reason: stopped ? `stopped by ASHA at rung ${iterations}` : 'finished' });
    points[id] = cols;
    const params = [
      { path: 'train_loop_config/lr', value: lr },
      { path: 'train_loop_config/weight_decay', value: wd },
      { path: 'train_loop_config/batch_size', value: batch },
      { path: 'train_loop_config/dropout', value: dropout },
      { path: 'train_loop_config/hidden', value: hidden },
    ];
    trials.push(
      trial(id, {
        experimentPath: '/exp/asha40',
        index: i,
        name: `TorchTrainer_${id}`,
        stoppedEarly: stopped,
        params,
        config: { train_loop_config: Object.fromEntries(params.map((p) => [p.path.split('/')[1], p.value])) },
        iteration: iterations,
        metrics: { val_loss: cols.values.val_loss.at(-1)!, val_accuracy: cols.values.val_accuracy.at(-1)!, train_loss: cols.values.train_loss.at(-1)! },
        decisions: stopped ? [{ ts: end, iteration: iterations, kind: 'stop', reason: `stopped by ASHA at rung ${iterations}` }] : [],
      }),
    );
  }
  const endedAt = Math.max(...free);
  timeline.push({ type: 'experiment_finished', ts: endedAt, status: 'finished', reason: 'all trials finished' } as TimelineEvent);
  const summary = {
    path: '/exp/asha40',
    name: 'asha40',
    state: 'finished' as const,
    live: false,
    counts: { PENDING: 0, RUNNING: 0, PAUSED: 0, TERMINATED: n, ERROR: 0 },
    startedAt: T0,
    endedAt,
    totalTrials: n,
    metric: 'val_loss',
    mode: 'min' as const,
  };
  const paramSpace = {
    train_loop_config: {
      lr: { loguniform: [1e-5, 1e-1] },
      weight_decay: { loguniform: [1e-6, 1e-3] },
      batch_size: { choice: [16, 32, 64, 128] },
      dropout: { uniform: [0, 0.5] },
      hidden: { randint: [32, 512] },
    },
  };
  return [
    // A journal is in time order; at one instant a finish frees the slot before the next start takes it.
    { type: 'snapshot', experiment: { summary, paramSpace, capacity: { CPU: 4, gpus: [] }, admission: 'coordinated' }, trials, timeline: timeline.sort((a, b) => a.ts - b.ts || rank(a) - rank(b)), now: endedAt },
    { type: 'history', points, pending: 0 },
  ];
}
