/**
 * `events.jsonl`: the experiment's lifecycle, one fsync'd line per event, in the order
 * the events were appended. Lifecycle events are rare, so durability per event is cheap.
 */
import type { JournalEvent } from '../../protocol/journal';
import { isJournalEvent } from '../../protocol/journal_lines';
import { AppendOnlyFile } from './append_only_file';
import { FileSystem, nodeFileSystem } from './file_system';
import { readJsonLines } from './jsonl';

type WithOptionalTs<E> = E extends { ts: number } ? Omit<E, 'ts'> & { ts?: number } : never;
/** An event as callers hand it in; the journal stamps `ts` when it is missing. */
export type UnstampedJournalEvent = WithOptionalTs<JournalEvent>;

export class Journal {
  private tail: Promise<unknown> = Promise.resolve();
  private opened: Promise<AppendOnlyFile> | undefined;

  /** Opens lazily, on the first append, trimming a line torn by an earlier crash. */
  constructor(
    readonly path: string,
    private readonly fs: FileSystem = nodeFileSystem,
  ) {}

  /** Resolves once the event is on disk; events land in the order append was called. */
  append(event: UnstampedJournalEvent): Promise<JournalEvent> {
    const stamped = { ...event, ts: event.ts ?? Date.now() / 1000 } as JournalEvent;
    const line = `${JSON.stringify(stamped)}\n`;
    const done = this.tail.then(async () => (await this.file()).append(line, true)).then(() => stamped);
    this.tail = done.catch(() => undefined);
    return done;
  }

  /** Waits for pending appends, then closes; appends after close reopen the file. */
  async close(): Promise<void> {
    await this.tail;
    const opened = this.opened;
    this.opened = undefined;
    // An open failure was already reported to the appends that hit it.
    if (opened) await opened.then((file) => file.close(), () => undefined);
  }

  private file(): Promise<AppendOnlyFile> {
    this.opened ??= AppendOnlyFile.open(this.path, this.fs);
    return this.opened;
  }
}

/** The journal's known events, read-only; lines from newer versions with unknown types are skipped. */
export async function readJournal(path: string, options: { fs?: FileSystem } = {}): Promise<JournalEvent[]> {
  const records = await readJsonLines(path, options);
  return records.filter(isJournalEvent);
}
