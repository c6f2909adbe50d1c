/**
 * What the dashboard needs from an experiment directory that the store does not carry:
 * the param_space, admission mode and slot capacity from `experiment.json`, and the
 * journal's timeline events. Read straight from disk (the experiment is local, and this
 * works in an untrusted workspace and without a runtime).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TIMELINE_EVENT_TYPES, type DashboardExperiment, type TimelineEvent } from '../protocol/dashboard_messages';
import type { ExperimentRecord } from '../protocol/journal';
import { schedulableCapacity } from '../runtime/hardware/capacity';
import { JournalTail } from '../runtime/server/journal_tail';

export type ExperimentRecordFacts = Omit<DashboardExperiment, 'summary'>;

interface RecordedMachine {
  cpu?: { logical?: number };
  gpus?: Array<{ index?: number }>;
}

/** Falls back to an empty param space and no capacity when the record is missing or unreadable. */
export async function readRecordFacts(experimentPath: string): Promise<ExperimentRecordFacts> {
  let record: Partial<ExperimentRecord>;
  try {
    record = JSON.parse(await readFile(join(experimentPath, 'experiment.json'), 'utf8')) as Partial<ExperimentRecord>;
  } catch {
    return { paramSpace: {}, capacity: { CPU: 0, gpus: [] }, admission: 'coordinated' };
  }
  const machine = (record.machine ?? {}) as RecordedMachine;
  const gpus = (machine.gpus ?? []).flatMap((g) => (typeof g.index === 'number' ? [{ index: g.index }] : []));
  const capacity = schedulableCapacity({ cpu: { logical: machine.cpu?.logical ?? 0 }, gpus } as Parameters<typeof schedulableCapacity>[0], record.spec?.resources);
  return {
    paramSpace: record.spec?.param_space ?? {},
    capacity: { CPU: capacity.CPU, gpus: capacity.gpus },
    admission: record.spec?.tune_config?.admission ?? 'coordinated',
  };
}

/** Reads an experiment's journal as it grows, keeping only the events the timeline draws. */
export class TimelineReader {
  private readonly tail: JournalTail;

  constructor(experimentPath: string) {
    this.tail = new JournalTail(join(experimentPath, 'events.jsonl'));
  }

  async read(): Promise<TimelineEvent[]> {
    return (await this.tail.read()).filter((e): e is TimelineEvent => TIMELINE_EVENT_TYPES.has(e.type));
  }
}
