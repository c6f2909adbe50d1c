/**
 * At most one redraw per interval however fast data arrives: the first request after a
 * quiet spell draws on the next tick, later ones fold into one draw at the interval's end.
 */

export interface Timers {
  now(): number;
  setTimeout(run: () => void, ms: number): void;
}

export class RedrawThrottle {
  private scheduled = false;
  private lastDraw = -Infinity;

  constructor(
    private readonly intervalMs: number,
    private readonly timers: Timers,
    private readonly draw: () => void,
  ) {}

  request(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    const wait = Math.max(0, this.lastDraw + this.intervalMs - this.timers.now());
    this.timers.setTimeout(() => {
      this.scheduled = false;
      this.lastDraw = this.timers.now();
      this.draw();
    }, wait);
  }
}
