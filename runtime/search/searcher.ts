/**
 * The contract between the Tuner and a search algorithm. The Tuner asks for one trial
 * config at a time, when it can start one, so model-based searchers (TPE) learn from the
 * results that arrived meanwhile.
 */

export interface Suggestion {
  /** The full sampled param_space for the trial (e.g. {train_loop_config: {...}}). */
  config: Record<string, unknown>;
  /** The leaves that were searched, path joined with '/', for names and tables. */
  sampled: Array<{ path: string; value: unknown }>;
}

export interface Searcher {
  readonly name: string;
  /** Total trials this searcher will produce, when known (random/grid), else undefined. */
  readonly total: number | undefined;
  /**
   * The config for trial number `index` (0-based, consecutive), or `undefined` when
   * the search is finished. `null` means "not now": wait for more results (e.g. TPE
   * limited by its own concurrency).
   */
  suggest(index: number): Suggestion | undefined | null;
  /** Every rank-0 result of a trial (intermediate results included). */
  onTrialResult(index: number, result: Record<string, unknown>): void;
  /** The trial finished; `result` is its last result (absent if it never reported), `error` when it failed. */
  onTrialComplete(index: number, result: Record<string, unknown> | undefined, error: boolean): void;
  saveState(): unknown;
  restoreState(state: unknown): void;
}
