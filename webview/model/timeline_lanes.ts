/**
 * The concurrency slots timeline, folded from journal events: one lane per CPU slot and per
 * GPU device (a sub-lane per trial sharing a device fractionally), a bar for each span a
 * trial held slots (from its admission), the gaps restarts leave, and one compact waiting
 * lane: the queue's length over time, not a lane per waiting trial (40 trials made 38 of
 * them, issue 15).
 * CPUs are a count, not numbered devices, so a grant takes the lowest free CPU lanes.
 */
import type { TimelineEvent } from '../../protocol/dashboard_messages';
import type { TrialGrant } from '../../protocol/trial';

export interface Lane {
  id: string;
  label: string;
  kind: 'cpu' | 'gpu' | 'waiting';
}

export interface LaneBar {
  /** Index into `lanes`. */
  lane: number;
  trialId: string;
  kind: 'holding' | 'waiting';
  /** Seconds since the experiment started. */
  start: number;
  end: number;
  /** Share of the slot held (a fractional GPU, a half CPU); 1 for waiting bars. */
  fraction: number;
  /** Still held (or still waiting) at `now`. */
  open: boolean;
  /** Why it waited, or what ended the span. */
  detail: string;
}

export interface RestartGap {
  /** A lane the trial held before the restart; one gap per lane. */
  lane: number;
  trialId: string;
  start: number;
  end: number;
  reason: string;
}

/** A stretch of time over which the same trials waited. */
export interface QueueSpan {
  start: number;
  end: number;
  /** Waiting trials, in the order they began to wait. */
  trialIds: string[];
  open: boolean;
}

export interface Timeline {
  lanes: Lane[];
  /** Waiting bars all sit on the one waiting lane; `queue` says how many overlap when. */
  bars: LaneBar[];
  gaps: RestartGap[];
  queue: QueueSpan[];
  /** Seconds from the experiment's start to the last event (or `now` while live). */
  span: number;
}

interface Held {
  start: number;
  /** [lane key, fraction] per slot. */
  slots: Array<[string, number]>;
}

/** Allocates the lowest free row of each lane family ("cpu", "gpu0", "wait"). */
class RowPool {
  private readonly busy = new Map<string, Set<number>>();
  readonly peak = new Map<string, number>();

  take(family: string, preferred?: number): number {
    let rows = this.busy.get(family);
    if (!rows) this.busy.set(family, (rows = new Set()));
    let row = 0;
    if (preferred !== undefined && !rows.has(preferred)) row = preferred;
    else while (rows.has(row)) row++;
    rows.add(row);
    this.peak.set(family, Math.max(this.peak.get(family) ?? 0, row + 1));
    return row;
  }

  release(family: string, row: number): void {
    this.busy.get(family)?.delete(row);
  }
}

const laneKey = (family: string, row: number) => `${family}#${row}`;
const parseKey = (key: string): [string, number] => {
  const i = key.lastIndexOf('#');
  return [key.slice(0, i), Number(key.slice(i + 1))];
};

function cpuUnits(grant: TrialGrant): number {
  return grant.trainable.CPU + grant.workers.reduce((sum, w) => sum + w.CPU, 0);
}

function gpuShares(grant: TrialGrant): Map<number, number> {
  const shares = new Map<number, number>();
  for (const bundle of [grant.trainable, ...grant.workers]) {
    for (const g of bundle.gpus) shares.set(g.index, (shares.get(g.index) ?? 0) + g.fraction);
  }
  return shares;
}

/**
 * `now` (epoch seconds) closes what is still open when the experiment is live; otherwise
 * open spans end at the last event, since nothing after it is known.
 */
export function buildTimeline(
  events: readonly TimelineEvent[],
  capacity: { CPU: number; gpus: number[] },
  now?: number,
): Timeline {
  const origin = events.find((e) => e.type === 'experiment_started')?.ts ?? events[0]?.ts ?? 0;
  const pool = new RowPool();
  const held = new Map<string, Held>();
  /** The rows a trial held last, per family, so a restart lands on the same lanes when they are free. */
  const lastRows = new Map<string, Map<string, number[]>>();
  const waiting = new Map<string, { start: number; row: number; reason: string }>();
  const restarting = new Map<string, { start: number; reason: string; keys: string[] }>();
  const bars: Array<Omit<LaneBar, 'lane'> & { key: string }> = [];
  const gaps: Array<Omit<RestartGap, 'lane'> & { key: string }> = [];
  let lastTs = origin;

  const endWaiting = (id: string, ts: number, open = false) => {
    const w = waiting.get(id);
    if (!w) return;
    waiting.delete(id);
    bars.push({ key: laneKey('wait', w.row), trialId: id, kind: 'waiting', start: w.start - origin, end: ts - origin, fraction: 1, open, detail: w.reason });
  };
  const release = (id: string, ts: number, detail: string, open = false) => {
    const h = held.get(id);
    if (!h) return;
    held.delete(id);
    const rows = new Map<string, number[]>();
    for (const [key, fraction] of h.slots) {
      const [family, row] = parseKey(key);
      pool.release(family, row);
      rows.set(family, [...(rows.get(family) ?? []), row]);
      bars.push({ key, trialId: id, kind: 'holding', start: h.start - origin, end: ts - origin, fraction, open, detail });
    }
    lastRows.set(id, rows);
  };
  const acquire = (id: string, grant: TrialGrant, ts: number) => {
    release(id, ts, 'restarted');
    const previous = lastRows.get(id);
    const slots: Held['slots'] = [];
    let units = cpuUnits(grant);
    for (let i = 0; units > 1e-9; i++) {
      slots.push([laneKey('cpu', pool.take('cpu', previous?.get('cpu')?.[i])), Math.min(1, units)]);
      units -= 1;
    }
    for (const [index, fraction] of gpuShares(grant)) {
      const family = `gpu${index}`;
      slots.push([laneKey(family, pool.take(family, previous?.get(family)?.[0])), fraction]);
    }
    held.set(id, { start: ts, slots });
  };
  const closeAll = (ts: number, detail: string, open: boolean) => {
    for (const id of [...held.keys()]) release(id, ts, detail, open);
    for (const id of [...waiting.keys()]) endWaiting(id, ts, open);
    if (!open) restarting.clear();
  };

  for (const e of events) {
    switch (e.type) {
      case 'experiment_started':
        // A resume: whatever the interrupted run held ended when it last wrote.
        closeAll(lastTs, 'interrupted', false);
        break;
      case 'experiment_finished':
        closeAll(e.ts, e.reason ?? e.status, false);
        break;
      case 'trial_waiting':
        if (held.has(e.trial_id)) break;
        if (waiting.has(e.trial_id)) waiting.get(e.trial_id)!.reason = e.reason;
        else waiting.set(e.trial_id, { start: e.ts, row: 0, reason: e.reason });
        break;
      case 'trial_started': {
        endWaiting(e.trial_id, e.ts);
        const gap = restarting.get(e.trial_id);
        if (gap) {
          restarting.delete(e.trial_id);
          for (const key of gap.keys) gaps.push({ key, trialId: e.trial_id, start: gap.start - origin, end: e.ts - origin, reason: gap.reason });
        }
        acquire(e.trial_id, e.grant, e.ts);
        break;
      }
      case 'trial_restored':
        if (e.after_failure) {
          const keys = held.get(e.trial_id)?.slots.map(([key]) => key) ?? [];
          restarting.set(e.trial_id, { start: e.ts, reason: e.reason ?? 'restarted after a failure', keys });
          release(e.trial_id, e.ts, e.reason ?? 'failed');
        }
        break;
      case 'trial_paused':
        release(e.trial_id, e.ts, `paused: ${e.reason}`);
        endWaiting(e.trial_id, e.ts);
        break;
      case 'trial_finished':
        release(e.trial_id, e.ts, `${e.status}: ${e.reason}`);
        endWaiting(e.trial_id, e.ts);
        restarting.delete(e.trial_id);
        break;
    }
    lastTs = Math.max(lastTs, e.ts);
  }
  const live = now !== undefined && events[events.length - 1]?.type !== 'experiment_finished';
  const end = live ? Math.max(now, lastTs) : lastTs;
  closeAll(end, 'still held', live);

  const lanes: Lane[] = [];
  const index = new Map<string, number>();
  const addLanes = (family: string, count: number, kind: Lane['kind'], label: (row: number) => string) => {
    for (let row = 0; row < count; row++) {
      index.set(laneKey(family, row), lanes.length);
      lanes.push({ id: laneKey(family, row), label: label(row), kind });
    }
  };
  const gpuIndices = new Set(capacity.gpus);
  for (const family of pool.peak.keys()) if (family.startsWith('gpu')) gpuIndices.add(Number(family.slice(3)));
  for (const gpu of [...gpuIndices].sort((a, b) => a - b)) {
    const rows = Math.max(1, pool.peak.get(`gpu${gpu}`) ?? 0);
    addLanes(`gpu${gpu}`, rows, 'gpu', (row) => (rows > 1 ? `GPU ${gpu} · ${row + 1}` : `GPU ${gpu}`));
  }
  addLanes('cpu', Math.max(Math.ceil(capacity.CPU), pool.peak.get('cpu') ?? 0), 'cpu', (row) => `CPU ${row + 1}`);
  const waitBars = bars.filter((b) => b.kind === 'waiting');
  if (waitBars.length) addLanes('wait', 1, 'waiting', () => 'waiting');

  return {
    lanes,
    bars: bars.map(({ key, ...bar }) => ({ ...bar, lane: index.get(key)! })).sort((a, b) => a.start - b.start || a.lane - b.lane),
    gaps: gaps.map(({ key, ...gap }) => ({ ...gap, lane: index.get(key)! })),
    queue: queueSpans(waitBars),
    span: end - origin,
  };
}

/** Cuts the waiting spans into stretches over which the same trials wait. */
export function queueSpans(waits: ReadonlyArray<Pick<LaneBar, 'trialId' | 'start' | 'end' | 'open'>>): QueueSpan[] {
  // A sweep over starts and ends; at equal times ends go first, so back-to-back waits do not overlap.
  const edges = waits.flatMap((w, i) => (w.end > w.start ? [{ t: w.start, i, on: true }, { t: w.end, i, on: false }] : []));
  edges.sort((a, b) => a.t - b.t || Number(a.on) - Number(b.on) || waits[a.i].start - waits[b.i].start);
  const active = new Set<number>();
  const out: QueueSpan[] = [];
  for (let k = 0; k < edges.length; ) {
    const t = edges[k].t;
    for (; k < edges.length && edges[k].t === t; k++) {
      if (edges[k].on) active.add(edges[k].i);
      else active.delete(edges[k].i);
    }
    const prev = out.at(-1);
    if (prev && prev.end === -1) prev.end = t;
    if (active.size && k < edges.length) {
      const ids = [...active].map((i) => waits[i].trialId);
      out.push({ start: t, end: -1, trialIds: ids, open: [...active].some((i) => waits[i].open) });
    }
  }
  return out.filter((q) => q.end > q.start);
}

/** Slots held at the end of the timeline: what the header shows as logical resource use. */
export function slotsInUse(timeline: Timeline): { CPU: number; GPU: number } {
  const use = { CPU: 0, GPU: 0 };
  for (const bar of timeline.bars) {
    if (!bar.open || bar.kind !== 'holding') continue;
    const kind = timeline.lanes[bar.lane].kind;
    if (kind === 'cpu') use.CPU += bar.fraction;
    else if (kind === 'gpu') use.GPU += bar.fraction;
  }
  return use;
}
