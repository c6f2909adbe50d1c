/**
 * Text waiting to be written, kept as UTF-8 in large off-heap chunks: thousands of
 * small strings held for a flush interval would survive into the old generation and
 * make the garbage collector the main cost at high result rates.
 */
const CHUNK_BYTES = 256 * 1024;
/** Lines are encoded in batches: one encode call per line costs more than a join. */
const BATCH_LINES = 128;

export class LineBuffer {
  private chunks: Buffer[] = [];
  private current: Buffer = Buffer.alloc(0);
  /** Bytes of `current` before `start` were handed out by take() and are never rewritten. */
  private start = 0;
  private used = 0;
  private encodedBytes = 0;
  private batch: string[] = [];
  private batchLength = 0;

  /** Bytes buffered, counting not-yet-encoded text at one byte per character. */
  get byteLength(): number {
    return this.encodedBytes + this.batchLength;
  }

  write(text: string): void {
    this.batch.push(text);
    this.batchLength += text.length;
    if (this.batch.length >= BATCH_LINES) this.encodeBatch();
  }

  take(): Buffer[] {
    this.encodeBatch();
    this.seal();
    const chunks = this.chunks;
    this.chunks = [];
    this.encodedBytes = 0;
    return chunks;
  }

  private encodeBatch(): void {
    if (this.batch.length === 0) return;
    const text = this.batch.join('');
    this.batch = [];
    this.batchLength = 0;
    // A UTF-16 code unit never takes more than 3 UTF-8 bytes.
    if (this.current.length - this.used < text.length * 3) {
      this.seal();
      this.current = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, Buffer.byteLength(text)));
      this.start = 0;
      this.used = 0;
    }
    const written = this.current.write(text, this.used);
    this.used += written;
    this.encodedBytes += written;
  }

  private seal(): void {
    if (this.used > this.start) this.chunks.push(this.current.subarray(this.start, this.used));
    this.start = this.used;
  }
}
