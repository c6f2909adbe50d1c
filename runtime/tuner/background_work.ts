/**
 * Work the Tuner starts and does not await (closing files, writing the end of a trial, a
 * backed-off restart): counted while it runs, so the experiment does not end under it, and
 * never silent: a failure, in the work or in what follows it, is reported as a warning.
 */
export class BackgroundWork {
  private running = 0;

  constructor(
    private readonly warn: (message: string) => void,
    /** Called whenever the last counted piece of work settles. */
    private readonly onIdle: () => void,
  ) {}

  get busy(): boolean {
    return this.running > 0;
  }

  /**
   * Counts `work` until it settles, then runs `then` (no longer counted, so it may end the
   * experiment). A failure of either is warned as "`what`: message".
   */
  run(what: string, work: Promise<unknown>, then?: () => void): void {
    this.running++;
    void work
      .then(undefined, (err: unknown) => this.fail(what, err))
      .finally(() => {
        this.running--;
        this.guard(what, then);
        if (this.running === 0) this.guard(what, this.onIdle);
      });
  }

  /** Work that is not counted (it ends the experiment itself, or is a journal write) but whose failure is reported. */
  report(what: string, work: Promise<unknown>): void {
    void work.then(undefined, (err: unknown) => this.fail(what, err));
  }

  private guard(what: string, fn: (() => void) | undefined): void {
    if (!fn) return;
    try {
      fn();
    } catch (err) {
      this.fail(what, err);
    }
  }

  private fail(what: string, err: unknown): void {
    this.warn(`${what}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Runs each key's tasks one after another, in the order they came; different keys run side by side. */
export class SerialQueues {
  private readonly queues = new Map<string, { tail: Promise<void>; waiting: number }>();

  constructor(private readonly background: BackgroundWork) {}

  push(key: string, what: string, task: () => void | Promise<void>): void {
    const queue = this.queues.get(key);
    if (queue) return this.enqueue(key, what, queue.tail.then(task), queue);
    // An idle key runs its task at once, as a direct call would; only what it leaves running queues.
    let running: void | Promise<void>;
    try {
      running = task();
    } catch (err) {
      return this.background.run(what, Promise.reject(err));
    }
    if (running instanceof Promise) this.enqueue(key, what, running);
  }

  private enqueue(key: string, what: string, next: Promise<void>, queue = { tail: next, waiting: 0 }): void {
    queue.waiting++;
    const settled = () => {
      if (--queue.waiting === 0) this.queues.delete(key);
    };
    queue.tail = next.then(settled, settled);
    this.queues.set(key, queue);
    this.background.run(what, next);
  }
}
