/**
 * Text waiting to be written, kept as UTF-8 in large off-heap chunks: thousands of
 * small strings held for a flush interval would survive into the old generation and
 * make the garbage collector the main cost at high result rates.
 */
const CHUNK_BYTES = 256 * 1024;

export class LineBuffer {
  private chunks: Buffer[] = [];
  private current: Buffer = Buffer.alloc(0);
  /** Bytes of `current` already handed out by take(); they are never written again. */
  private start = 0;
  private used = 0;
  private total = 0;

  get byteLength(): number {
    return this.total;
  }

  write(text: string): void {
    // A UTF-16 code unit never takes more than 3 UTF-8 bytes.
    if (this.current.length - this.used < text.length * 3) {
      this.seal();
      this.current = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, Buffer.byteLength(text)));
      this.start = 0;
      this.used = 0;
    }
    const written = this.current.write(text, this.used);
    this.used += written;
    this.total += written;
  }

  /** Everything written since the last take, leaving the buffer empty. */
  take(): Buffer[] {
    this.seal();
    this.start = this.used;
    const chunks = this.chunks;
    this.chunks = [];
    this.total = 0;
    return chunks;
  }

  private seal(): void {
    if (this.used > this.start) this.chunks.push(this.current.subarray(this.start, this.used));
    this.start = this.used;
  }
}
