/**
 * At most one redraw per interval however fast data arrives: the first request after a
 * quiet spell draws on the next tick, later ones fold into one draw at the interval's end.
 * With a budget, a slow draw also spaces the next one out, so redrawing takes no more than
 * that share of the main thread (a slow machine redraws less often, not later), but never
 * more than 4 intervals apart, so one big redraw (the first) does not stall the next ones.
 */

/** The longest gap a slow draw can force, in intervals. */
const MAX_SPACING = 4;

export interface Timers {
  now(): number;
  setTimeout(run: () => void, ms: number): void;
}

export class RedrawThrottle {
  private scheduled = false;
  private nextAllowed = -Infinity;

  /** `budget`: the share of wall time draws may take, e.g. 0.05; 1 means no limit beyond the interval. */
  constructor(
    private readonly intervalMs: number,
    private readonly timers: Timers,
    private readonly draw: () => void,
    private readonly budget = 1,
  ) {}

  request(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.timers.setTimeout(() => this.run(), Math.max(0, this.nextAllowed - this.timers.now()));
  }

  private run(): void {
    this.scheduled = false;
    const started = this.timers.now();
    this.draw();
    const cost = this.timers.now() - started;
    this.nextAllowed = started + Math.min(Math.max(this.intervalMs, cost / this.budget), this.intervalMs * MAX_SPACING);
  }
}
