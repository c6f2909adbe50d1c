import type { BenchSection } from './benchmarks_markdown';
import type { RuntimeSnapshot } from './runtime_snapshot';

/** What every benchmark runs against. */
export interface BenchContext {
  tunekit: RuntimeSnapshot;
  /** The real interpreter (not a shim) that Tunekit also runs workers with. */
  python: string;
  /** bench/workers: the worker scripts. */
  workersDir: string;
  /** A private directory for specs and results, removed after the run. */
  scratch: string;
  /** Environment of `tunekit run`, with TUNEKIT_PYTHON pinned to `python`. */
  env: NodeJS.ProcessEnv;
  /** CPUs this process may use, for context beside CPU-second figures. */
  cores: number;
  progress: (line: string) => void;
}

export interface BenchOutcome {
  section: BenchSection;
  /** Checks that did not hold; any one makes the figures untrustworthy. */
  failures: string[];
}
