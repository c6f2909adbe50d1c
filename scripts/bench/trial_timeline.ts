import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { median } from './stats';

export interface TrialTimeline {
  /** From experiment_started until the `slots`-th trial_started: how long the pool took to fill. */
  fillS: number;
  /** Median trial_started → trial_finished, i.e. how long a trial kept its slot once its worker ran. */
  medianRunS: number;
}

interface Event {
  type: string;
  ts: number;
  trial_id?: string;
}

/** Reads when things happened from an experiment's events.jsonl. */
export function trialTimeline(experimentPath: string, slots: number): TrialTimeline {
  const events = readFileSync(join(experimentPath, 'events.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Event);
  const begin = events.find((e) => e.type === 'experiment_started')?.ts;
  if (begin === undefined) throw new Error(`${experimentPath}/events.jsonl has no experiment_started`);
  const started = new Map<string, number>();
  const runs: number[] = [];
  for (const e of events) {
    if (e.type === 'trial_started' && e.trial_id && !started.has(e.trial_id)) started.set(e.trial_id, e.ts);
    if (e.type === 'trial_finished' && e.trial_id && started.has(e.trial_id)) runs.push(e.ts - started.get(e.trial_id)!);
  }
  const starts = [...started.values()].sort((a, b) => a - b);
  const fill = starts[Math.min(slots, starts.length) - 1];
  if (fill === undefined || runs.length === 0) throw new Error(`${experimentPath}/events.jsonl records no finished trial`);
  return { fillS: fill - begin, medianRunS: median(runs) };
}
