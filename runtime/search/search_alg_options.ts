/**
 * tune_config.search_alg read into typed options with their defaults. The spec schema
 * already checks shapes; this re-checks them because a spec can also be built in code,
 * and a searcher quietly running on defaults would misreport what was searched.
 */
import type { SearchAlgSpec, TuneConfig } from '../../protocol/spec';

export const SEARCH_ALG_TYPES = ['random', 'grid', 'tpe'] as const;
export type SearchAlgType = (typeof SEARCH_ALG_TYPES)[number];

/** Options every search algorithm takes. */
export const COMMON_OPTIONS = ['type', 'points_to_evaluate', 'seed', 'max_concurrent'] as const;
/** Options only TPE takes. */
export const TPE_OPTIONS = [
  'metric',
  'mode',
  'n_startup_trials',
  'n_ei_candidates',
  'gamma',
  'prior_weight',
  'consider_endpoints',
  'multivariate',
] as const;

export interface CommonOptions {
  type: SearchAlgType;
  /** Partial configs shaped like param_space, run first. */
  points: Record<string, unknown>[];
  seed: number;
  /** 0 means no cap of the searcher's own. */
  maxConcurrent: number;
}

export interface TpeOptions extends CommonOptions {
  type: 'tpe';
  metric: string;
  mode: 'min' | 'max';
  nStartupTrials: number;
  nEiCandidates: number;
  /** Fraction of trials in the good group (capped at 25 trials). */
  gamma: number;
  priorWeight: number;
  considerEndpoints: boolean;
  multivariate: boolean;
}

export type SearchAlgOptions = (CommonOptions & { type: 'random' | 'grid' }) | TpeOptions;

/** Throws an Error naming the option and what to write when an option is wrong or misplaced. */
export function readSearchAlgOptions(searchAlg: SearchAlgSpec, tune: TuneConfig): SearchAlgOptions {
  const raw = searchAlg as Record<string, unknown>;
  const type = raw.type as SearchAlgType;
  if (!SEARCH_ALG_TYPES.includes(type)) {
    throw new Error(`tune_config.search_alg.type must be one of ${SEARCH_ALG_TYPES.join(', ')}; got ${JSON.stringify(raw.type)}`);
  }
  const allowed: readonly string[] = type === 'tpe' ? [...COMMON_OPTIONS, ...TPE_OPTIONS] : COMMON_OPTIONS;
  for (const key of Object.keys(raw)) {
    if (!allowed.includes(key)) throw new Error(misplacedOption(type, key));
  }
  const read = reader(raw);
  const common: CommonOptions = {
    type,
    points: read.points(),
    seed: read.integer('seed', tune.seed, 0),
    maxConcurrent: read.integer('max_concurrent', 0, 0),
  };
  if (type !== 'tpe') return { ...common, type };
  const metric = raw.metric ?? tune.metric;
  const mode = raw.mode ?? tune.mode;
  if (typeof metric !== 'string' || metric === '' || (mode !== 'min' && mode !== 'max')) {
    throw new Error(
      'the tpe search algorithm needs a metric and a mode to learn from; set tune_config.metric and tune_config.mode (e.g. metric: loss, mode: min)',
    );
  }
  return {
    ...common,
    type,
    metric,
    mode,
    nStartupTrials: read.integer('n_startup_trials', 10, 0),
    nEiCandidates: read.integer('n_ei_candidates', 24, 1),
    gamma: read.number('gamma', 0.1, (v) => v > 0 && v <= 1, 'a fraction above 0 and at most 1'),
    priorWeight: read.number('prior_weight', 1, (v) => v > 0, 'a number above 0'),
    considerEndpoints: read.boolean('consider_endpoints', false),
    multivariate: read.boolean('multivariate', false),
  };
}

/** The sentence for an option the chosen type does not take. */
export function misplacedOption(type: string, key: string): string {
  if ((TPE_OPTIONS as readonly string[]).includes(key)) {
    return `tune_config.search_alg.${key} is an option of tpe, not of ${type}; remove it or set type: tpe`;
  }
  return `tune_config.search_alg.${key} is not an option of ${type}; it takes ${COMMON_OPTIONS.slice(1).join(', ')}`;
}

function reader(raw: Record<string, unknown>) {
  const wrong = (key: string, what: string) => new Error(`tune_config.search_alg.${key} must be ${what}; got ${JSON.stringify(raw[key])}`);
  return {
    integer(key: string, fallback: number, minimum: number): number {
      const value = raw[key] ?? fallback;
      if (!Number.isSafeInteger(value) || (value as number) < minimum) throw wrong(key, `a whole number >= ${minimum}`);
      return value as number;
    },
    number(key: string, fallback: number, valid: (v: number) => boolean, what: string): number {
      const value = raw[key] ?? fallback;
      if (typeof value !== 'number' || !valid(value)) throw wrong(key, what);
      return value;
    },
    boolean(key: string, fallback: boolean): boolean {
      const value = raw[key] ?? fallback;
      if (typeof value !== 'boolean') throw wrong(key, 'true or false');
      return value;
    },
    points(): Record<string, unknown>[] {
      const value = raw.points_to_evaluate ?? [];
      const isMapping = (p: unknown) => typeof p === 'object' && p !== null && !Array.isArray(p);
      if (!Array.isArray(value) || !value.every(isMapping)) throw wrong('points_to_evaluate', 'a list of configs shaped like param_space');
      return structuredClone(value) as Record<string, unknown>[];
    },
  };
}
