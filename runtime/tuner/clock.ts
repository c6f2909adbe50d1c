/** Time as the Tuner sees it; tests pass one they move by hand. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Calls `fn` once `ms` have passed; returns what cancels it. `unref`: the timer alone keeps no process alive. */
  after(ms: number, fn: () => void, unref?: boolean): () => void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  after(ms, fn, unref = false) {
    const timer = setTimeout(fn, ms);
    if (unref) timer.unref();
    return () => clearTimeout(timer);
  },
};
