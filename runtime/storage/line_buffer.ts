/**
 * Text waiting to be written, kept as UTF-8 in large off-heap chunks. Each line is encoded as
 * it arrives: a string held for even a few milliseconds survives a young-generation collection
 * and is copied into the old one, and at high result rates that copying, not the encoding,
 * was the main cost (issue 16's report path, measured).
 */
const CHUNK_BYTES = 256 * 1024;
/** A UTF-16 code unit never takes more than 3 UTF-8 bytes. */
const MAX_BYTES_PER_UNIT = 3;

export class LineBuffer {
  private chunks: Buffer[] = [];
  private current: Buffer = Buffer.alloc(0);
  /** Bytes of `current` before `start` were handed out by take() and are never rewritten. */
  private start = 0;
  private used = 0;
  private encodedBytes = 0;

  /** Bytes buffered. */
  get byteLength(): number {
    return this.encodedBytes;
  }

  write(text: string): void {
    const room = this.current.length - this.used;
    if (room < text.length * MAX_BYTES_PER_UNIT && room < Buffer.byteLength(text)) {
      this.seal();
      this.current = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, Buffer.byteLength(text)));
      this.start = 0;
      this.used = 0;
    }
    const written = this.current.write(text, this.used);
    this.used += written;
    this.encodedBytes += written;
  }

  take(): Buffer[] {
    this.seal();
    const chunks = this.chunks;
    this.chunks = [];
    this.encodedBytes = 0;
    return chunks;
  }

  private seal(): void {
    if (this.used > this.start) this.chunks.push(this.current.subarray(this.start, this.used));
    this.start = this.used;
  }
}
