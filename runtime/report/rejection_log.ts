/**
 * Rate-limits what a hostile or broken worker can push into the driver's log: the first
 * `burst` rejections of a window are passed on, the rest only counted, and the count is
 * written when the window ends (on the next rejection, or on flush()).
 */
export class RejectionLog {
  private readonly burst: number;
  private readonly windowMs: number;
  private readonly now: () => number;
  private windowStart: number;
  private shown = 0;
  private suppressed = 0;

  constructor(
    private readonly sink: ((what: string) => void) | undefined,
    opts: { burst?: number; windowMs?: number; now?: () => number } = {},
  ) {
    this.burst = opts.burst ?? 10;
    this.windowMs = opts.windowMs ?? 10_000;
    this.now = opts.now ?? Date.now;
    this.windowStart = this.now();
  }

  note(what: string): void {
    if (this.now() - this.windowStart >= this.windowMs) this.flush();
    if (this.shown < this.burst) {
      this.shown++;
      this.emit(what);
    } else {
      this.suppressed++;
    }
  }

  /** Writes the suppressed count, if any, and starts a new window. */
  flush(): void {
    if (this.suppressed > 0) {
      const seconds = Math.max(1, Math.round((this.now() - this.windowStart) / 1000));
      this.emit(`${this.suppressed} more rejected report lines in the last ${seconds}s were not logged`);
    }
    this.windowStart = this.now();
    this.shown = 0;
    this.suppressed = 0;
  }

  private emit(what: string): void {
    try {
      this.sink?.(what);
    } catch {
      // A failing log sink must not take the report server down with it.
    }
  }
}
