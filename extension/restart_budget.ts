/** How often a crashed runtime is restarted: a few times in a window, then the user is told. */
export class RestartBudget {
  private readonly restarts: number[] = [];

  constructor(
    private readonly max = 3,
    private readonly windowMs = 3 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a restart and says whether it is allowed. */
  take(): boolean {
    const t = this.now();
    while (this.restarts.length && t - this.restarts[0] > this.windowMs) this.restarts.shift();
    if (this.restarts.length >= this.max) return false;
    this.restarts.push(t);
    return true;
  }

  reset(): void {
    this.restarts.length = 0;
  }
}
