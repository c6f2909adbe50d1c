/**
 * Reads an experiment's journal as it grows, never writing to it: each read returns the
 * complete lines appended since the last one. A line still being written waits for the next read.
 */
import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import type { JournalEvent } from '../../protocol/journal';
import { parseJournalLines } from '../../protocol/journal_lines';

const CHUNK = 256 * 1024;

export class JournalTail {
  private offset = 0;
  private partial = '';
  private readonly decoder = new StringDecoder('utf8');

  constructor(readonly path: string) {}

  /** New events since the last read; [] while the file does not exist. */
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
      const buffer = Buffer.alloc(CHUNK);
      while (this.offset < size) {
        const { bytesRead } = await handle.read(buffer, 0, Math.min(CHUNK, size - this.offset), this.offset);
        if (bytesRead === 0) break;
        this.offset += bytesRead;
        text += this.decoder.write(buffer.subarray(0, bytesRead));
      }
    } finally {
      await handle.close();
    }
    const { events, rest } = parseJournalLines(text);
    this.partial = rest;
    return events;
  }
}
