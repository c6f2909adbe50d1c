/**
 * What the dashboard needs from an experiment directory that the store does not carry:
 * the param_space, admission mode and slot capacity from `experiment.json`, and the
 * journal's timeline events. Read straight from disk, read-only (the experiment is local, and this
 * works in an untrusted workspace and without a runtime); what the bytes mean is protocol/'s
 * rules, the same the runtime reads by (issue 13 §3).
 */
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { schedulableCapacity } from '../protocol/capacity';
import { TIMELINE_EVENT_TYPES, type DashboardExperiment, type TimelineEvent } from '../protocol/dashboard_messages';
import type { ExperimentRecord, JournalEvent } from '../protocol/journal';
import { parseJournalLines } from '../protocol/journal_lines';

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
  const capacity = schedulableCapacity({ cpu: { logical: machine.cpu?.logical ?? 0 }, gpus }, record.spec?.resources);
  return {
    paramSpace: record.spec?.param_space ?? {},
    capacity: { CPU: capacity.CPU, gpus: capacity.gpus },
    admission: record.spec?.tune_config?.admission ?? 'coordinated',
  };
}

/** Reads an experiment's journal as it grows, keeping only the events the timeline draws. */
export class TimelineReader {
  private readonly tail: JournalFileTail;

  constructor(experimentPath: string) {
    this.tail = new JournalFileTail(join(experimentPath, 'events.jsonl'));
  }

  async read(): Promise<TimelineEvent[]> {
    return (await this.tail.read()).filter((e): e is TimelineEvent => TIMELINE_EVENT_TYPES.has(e.type));
  }
}

/** The complete lines appended since the last read, opened read-only; a line still being written waits. */
class JournalFileTail {
  private offset = 0;
  private partial = '';
  private readonly decoder = new TextDecoder();

  constructor(private readonly path: string) {}

  async read(): Promise<JournalEvent[]> {
    let handle;
    try {
      handle = await open(this.path, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    let text = this.partial;
    try {
      const { size } = await handle.stat();
      const buffer = Buffer.alloc(256 * 1024);
      while (this.offset < size) {
        const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, size - this.offset), this.offset);
        if (bytesRead === 0) break;
        this.offset += bytesRead;
        text += this.decoder.decode(buffer.subarray(0, bytesRead), { stream: true });
      }
    } finally {
      await handle.close();
    }
    const { events, rest } = parseJournalLines(text);
    this.partial = rest;
    return events;
  }
}
