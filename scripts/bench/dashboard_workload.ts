/**
 * A synthetic experiment for the dashboard benchmark, as the messages the extension would
 * send: N trials × P points of loss/accuracy curves over a log-scaled lr, an int and a
 * categorical param, on 16 CPU slots; the first `running` trials still running; and the
 * deltas that 4 Hz of their results would bring. Seeded, so every run draws the same.
 *
 * One self-contained function: the benchmark runs it inside the page (page.evaluate), as
 * handing 26 MB of messages to the page through the DevTools protocol takes far longer
 * than making them there.
 */
import type { ExtensionToDashboard, PointColumns, TimelineEvent } from '../../protocol/dashboard_messages';
import type { TrialSummary } from '../../protocol/runtime_api';

export interface WorkloadSize {
  trials: number;
  points: number;
  running: number;
  /** Deltas to make, one per 250 ms tick. */
  ticks: number;
}

export interface Workload {
  snapshot: Extract<ExtensionToDashboard, { type: 'snapshot' }>;
  history: Extract<ExtensionToDashboard, { type: 'history' }>;
  deltas: Array<Extract<ExtensionToDashboard, { type: 'delta' }>>;
}

export function dashboardWorkload(size: WorkloadSize): Workload {
  const START = 1_800_000_000;
  const SLOTS = 16;
  // mulberry32: small, fast, good enough to make curves differ.
  let seed = 7;
  const rand = () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const columns = (trial: number, from: number, to: number, floor: number, ts: (iteration: number) => number): PointColumns => {
    const c: PointColumns = { iteration: [], timeTotalS: [], ts: [], values: { loss: [], acc: [], lr_now: [] } };
    for (let it = from; it <= to; it++) {
      const loss = floor + 1 / Math.sqrt(it) + (rand() - 0.5) * 0.02;
      c.iteration.push(it);
      c.timeTotalS.push(it * 2);
      c.ts.push(ts(it));
      c.values.loss.push(loss);
      c.values.acc.push(1 / (1 + loss));
      c.values.lr_now.push(0.01);
    }
    return c;
  };

  const trials: TrialSummary[] = [];
  const points: Record<string, PointColumns> = {};
  const timeline: TimelineEvent[] = [{ type: 'experiment_started', ts: START, experiment_id: 'bench', name: 'bench' }];
  const floors: number[] = [];
  for (let i = 0; i < size.trials; i++) {
    const id = `bench_${String(i).padStart(5, '0')}`;
    const lr = 10 ** (-4 + 3 * rand());
    const floor = Math.abs(Math.log10(lr) + 2.5) * 0.3 + rand() * 0.1;
    floors.push(floor);
    const running = i < size.running;
    const length = running ? Math.floor(size.points / 2) : size.points;
    points[id] = columns(i, 1, length, floor, (it) => START + i * 10 + it * 2);
    trials.push({
      experimentPath: '/bench/exp',
      id,
      index: i,
      name: `Trainer_${id}`,
      dir: `/bench/exp/Trainer_${id}`,
      status: running ? 'RUNNING' : 'TERMINATED',
      stoppedEarly: false,
      params: [
        { path: 'train_loop_config/lr', value: lr },
        { path: 'train_loop_config/layers', value: 1 + Math.floor(rand() * 8) },
        { path: 'train_loop_config/optimizer', value: rand() < 0.5 ? 'adam' : 'sgd' },
      ],
      config: {},
      iteration: length,
      metrics: { loss: points[id].values.loss[length - 1]!, acc: points[id].values.acc[length - 1]!, lr_now: 0.01 },
      checkpoints: [],
      restores: [],
      decisions: [],
      workerLogs: [],
      pids: [],
      failures: 0,
    });
    const startTs = START + (i % SLOTS) + Math.floor(i / SLOTS) * size.points * 2;
    timeline.push({ type: 'trial_started', ts: startTs, trial_id: id, grant: { trainable: { CPU: 0, gpus: [] }, workers: [{ CPU: 1, gpus: [] }] }, pids: [1] });
    if (!running) timeline.push({ type: 'trial_finished', ts: startTs + size.points * 2 - 0.5, trial_id: id, status: 'TERMINATED', reason: 'stop criterion training_iteration >= 200' });
  }
  timeline.sort((a, b) => a.ts - b.ts);
  const now = START + size.points * 2 * Math.ceil(size.trials / SLOTS);
  const deltas: Workload['deltas'] = [];
  for (let tick = 0; tick < size.ticks; tick++) {
    const delta: Workload['deltas'][number] = { type: 'delta', trials: [], points: {}, timeline: [], now: now + tick / 4 };
    for (let i = 0; i < size.running; i++) {
      const t = trials[i];
      const iteration = t.iteration + tick + 1;
      const c = columns(i, iteration, iteration, floors[i], () => now + tick / 4 + i / 1000);
      delta.points[t.id] = c;
      delta.trials.push({ ...t, iteration, metrics: { loss: c.values.loss[0]!, acc: c.values.acc[0]!, lr_now: 0.01 } });
    }
    deltas.push(delta);
  }
  return {
    snapshot: {
      type: 'snapshot',
      experiment: {
        summary: {
          path: '/bench/exp',
          name: 'bench',
          state: 'running',
          live: true,
          counts: { PENDING: 0, RUNNING: size.running, PAUSED: 0, TERMINATED: size.trials - size.running, ERROR: 0 },
          metric: 'loss',
          mode: 'min',
          startedAt: START,
        },
        paramSpace: { train_loop_config: { lr: { loguniform: [1e-4, 1e-1] }, layers: { randint: [1, 9] }, optimizer: { choice: ['adam', 'sgd'] } } },
        capacity: { CPU: SLOTS, gpus: [] },
        admission: 'coordinated',
      },
      trials,
      timeline,
      now,
    },
    history: { type: 'history', points, pending: 0 },
    deltas,
  };
}
