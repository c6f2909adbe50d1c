import { StringDecoder } from 'node:string_decoder';

/** What a chunk of bytes completed: a whole line, or the news that a line passed the cap. */
export type LineEvent = { kind: 'line'; text: string } | { kind: 'oversized'; maxBytes: number };

const NEWLINE = 0x0a;

/**
 * Splits a byte stream into `\n`-terminated UTF-8 lines. A line longer than maxBytes is
 * reported once, as soon as it passes the cap, and the rest of it is dropped on arrival, so
 * the reader never holds more than maxBytes of one line.
 */
export class LineReader {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';
  private partialBytes = 0;
  private discarding = false;

  constructor(private readonly maxBytes: number) {
    if (!Number.isInteger(maxBytes) || maxBytes < 1) throw new RangeError(`maxBytes must be a positive integer, got ${maxBytes}`);
  }

  /** Bytes of the unfinished line held now (0 while discarding an oversized one). */
  get bufferedBytes(): number {
    return this.partialBytes;
  }

  push(chunk: Buffer): LineEvent[] {
    const events: LineEvent[] = [];
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(NEWLINE, start);
      const end = newline === -1 ? chunk.length : newline;
      if (this.discarding) {
        if (newline === -1) break;
        this.discarding = false;
      } else if (this.partialBytes + (end - start) > this.maxBytes) {
        events.push({ kind: 'oversized', maxBytes: this.maxBytes });
        this.reset();
        this.discarding = newline === -1;
      } else {
        if (end > start) this.partial += this.decoder.write(chunk.subarray(start, end));
        this.partialBytes += end - start;
        if (newline !== -1) {
          // end() flushes half a character as U+FFFD and leaves the decoder ready for reuse.
          events.push({ kind: 'line', text: this.partial + this.decoder.end() });
          this.partial = '';
          this.partialBytes = 0;
        }
      }
      if (newline === -1) break;
      start = newline + 1;
    }
    return events;
  }

  private reset(): void {
    this.decoder.end();
    this.partial = '';
    this.partialBytes = 0;
  }
}
