/**
 * How a line of `events.jsonl` becomes an event, for every process that reads one: a line that is
 * not JSON (torn by a crash) or names a type this version does not know is skipped, never an error.
 * Pure: the caller reads the bytes.
 */
import { JOURNAL_EVENT_TYPES, type JournalEvent } from './journal';

const knownTypes: ReadonlySet<string> = new Set(JOURNAL_EVENT_TYPES);

export function isJournalEvent(value: unknown): value is JournalEvent {
  if (typeof value !== 'object' || value === null) return false;
  const { type, ts } = value as { type?: unknown; ts?: unknown };
  return typeof type === 'string' && knownTypes.has(type) && typeof ts === 'number';
}

/** The events of the complete lines in `text`, and what follows its last newline (a line still being written). */
export function parseJournalLines(text: string): { events: JournalEvent[]; rest: string } {
  const end = text.lastIndexOf('\n') + 1;
  const events: JournalEvent[] = [];
  for (const line of text.slice(0, end).split('\n')) {
    if (!line.trim()) continue;
    try {
      const value: unknown = JSON.parse(line);
      if (isJournalEvent(value)) events.push(value);
    } catch {
      // A torn line from a crash, completed by nothing: the reader of record (replay) skips it, repair trims it.
    }
  }
  return { events, rest: text.slice(end) };
}
