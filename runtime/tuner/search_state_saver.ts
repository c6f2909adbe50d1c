import { join } from 'node:path';
import type { TrialScheduler } from '../schedulers/trial_scheduler';
import type { Searcher } from '../search/searcher';
import { writeFileAtomic } from '../storage/atomic_write';

/** Scheduler state (ASHA's rungs…) changes with every result; it is saved this often when it did. */
const SAVE_EVERY_MS = 2000;

/**
 * Keeps `search_state.json` (searcher and scheduler state, read back on resume) close to the
 * truth: written when asked, and every few seconds while something changed.
 */
export class SearchStateSaver {
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly path: string;

  constructor(
    experimentPath: string,
    private readonly searcher: Searcher,
    private readonly scheduler: TrialScheduler,
    private readonly trialsCreated: () => number,
    private readonly warn: (message: string) => void,
  ) {
    this.path = join(experimentPath, 'search_state.json');
  }

  markDirty(): void {
    this.dirty = true;
  }

  start(): void {
    this.timer = setInterval(() => {
      if (this.dirty) void this.save().catch((err: Error) => this.warn(`could not save the search state: ${err.message}`));
    }, SAVE_EVERY_MS);
    this.timer.unref();
    void this.save().catch((err: Error) => this.warn(`could not save the search state: ${err.message}`));
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async save(): Promise<void> {
    this.dirty = false;
    const state = {
      searcher: { name: this.searcher.name, state: this.searcher.saveState() },
      scheduler: { name: this.scheduler.name, state: this.scheduler.saveState() },
      trials_created: this.trialsCreated(),
    };
    await writeFileAtomic(this.path, JSON.stringify(state) + '\n');
  }
}
