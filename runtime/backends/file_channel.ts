import { closeSync, fstatSync, openSync, readSync, writeSync, fsyncSync, constants } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

/**
 * A one-way message channel through an append-only JSON-lines file, for two processes that
 * share a filesystem but not a network path (a Tuner on a login node, a driver in a Slurm job:
 * compute nodes may not open connections to the login node). The reader polls by reopening the
 * file, which is what NFS's close-to-open consistency needs to see another host's appends.
 */
export class ChannelWriter {
  constructor(private readonly path: string) {}

  /** Appends one message; durable before it returns, since the other side may be a crash away. */
  send(message: unknown): void {
    const fd = openSync(this.path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o600);
    try {
      writeSync(fd, JSON.stringify(message) + '\n');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}

export class ChannelReader {
  private offset = 0;
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';

  constructor(private readonly path: string) {}

  /** Bytes consumed so far; a reader started at an offset skips what was read before it. */
  get position(): number {
    return this.offset;
  }

  /** Every complete line appended since the last call (a torn last line waits for its end). */
  poll(): unknown[] {
    return this.pollEntries().map((e) => e.message);
  }

  /** As poll, with the byte offset where each message's line ends. */
  pollEntries(): Array<{ message: unknown; end: number }> {
    let fd: number;
    try {
      fd = openSync(this.path, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch {
      return [];
    }
    const messages: Array<{ message: unknown; end: number }> = [];
    try {
      const size = fstatSync(fd).size;
      if (size <= this.offset) return [];
      const buffer = Buffer.alloc(Math.min(size - this.offset, 8 << 20));
      const read = readSync(fd, buffer, 0, buffer.length, this.offset);
      // Offsets count bytes: where the unread partial line started, then each line's length.
      let end = this.offset - Buffer.byteLength(this.partial);
      this.offset += read;
      const text = this.partial + this.decoder.write(buffer.subarray(0, read));
      const lines = text.split('\n');
      this.partial = lines.pop() ?? '';
      for (const line of lines) {
        end += Buffer.byteLength(line) + 1;
        if (line.trim() === '') continue;
        try {
          messages.push({ message: JSON.parse(line), end });
        } catch {
          // A line that is not JSON was not written by the other side; it carries nothing.
        }
      }
    } finally {
      closeSync(fd);
    }
    return messages;
  }
}

/** Polls a reader on a timer and hands each message to `onMessage`. */
export function pollChannel(reader: ChannelReader, intervalMs: number, onMessage: (message: unknown) => void): () => void {
  const tick = () => {
    for (const m of reader.poll()) onMessage(m);
  };
  const timer = setInterval(tick, intervalMs);
  return () => clearInterval(timer);
}
