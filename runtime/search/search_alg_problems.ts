/**
 * Spec-load checks of tune_config.search_alg that need param_space or the type's own rules,
 * which the JSON Schema cannot express: TPE's limits on the space, its need for a metric,
 * options given to the wrong type, and points_to_evaluate that do not fit param_space.
 * Works on the raw spec data and tolerates data that also broke the schema.
 */
import { isMapping } from './domain';
import { readPoint } from './points_to_evaluate';
import { misplacedOption, SEARCH_ALG_TYPES, TPE_OPTIONS } from './search_alg_options';
import { formatPath } from './space';
import { tpeSpaceProblems } from './tpe/space_problems';

/** Shaped as runtime/spec's PathProblem: a path from the spec's root. */
export interface SearchAlgProblem {
  path: (string | number)[];
  message: string;
  severity: 'error' | 'warning';
  at?: 'key' | 'value';
}

export { tpeSpaceProblems };

const AT = ['tune_config', 'search_alg'];
/** Top-level point keys outside these are reported by the spec's own shape check. */
const SECTIONS = ['train_loop_config', 'scaling_config'];

export function searchAlgProblems(data: unknown): SearchAlgProblem[] {
  const tune = isMapping(data) && isMapping(data.tune_config) ? data.tune_config : {};
  const raw = typeof tune.search_alg === 'string' ? { type: tune.search_alg } : tune.search_alg;
  if (!isMapping(raw) || !(SEARCH_ALG_TYPES as readonly unknown[]).includes(raw.type)) return [];
  const space = isMapping(data) && isMapping(data.param_space) ? data.param_space : {};
  const tpe = raw.type === 'tpe';
  const problems: SearchAlgProblem[] = [];
  if (tpe) problems.push(...tpeProblems(space, tune, raw));
  else {
    for (const key of Object.keys(raw).filter((k) => (TPE_OPTIONS as readonly string[]).includes(k))) {
      problems.push({ path: [...AT, key], message: misplacedOption(String(raw.type), key), severity: 'error', at: 'key' });
    }
  }
  const points = Array.isArray(raw.points_to_evaluate) ? raw.points_to_evaluate : [];
  points.forEach((point, i) => {
    if (!isMapping(point)) return;
    for (const problem of readPoint(space, point, tpe).problems) {
      if (problem.keys.length === 1 && !SECTIONS.includes(problem.keys[0])) continue;
      const message = `tune_config.search_alg.points_to_evaluate[${i}] ${problem.message}`;
      problems.push({ path: [...AT, 'points_to_evaluate', i, ...problem.keys], message, severity: problem.severity });
    }
  });
  const samples = tune.num_samples ?? 1;
  if (tpe && typeof samples === 'number' && points.length > samples) {
    const message = `tune_config.search_alg.points_to_evaluate has ${points.length} points but num_samples is ${samples}; TPE runs only the first ${samples}`;
    problems.push({ path: [...AT, 'points_to_evaluate'], message, severity: 'warning' });
  }
  return problems;
}

function tpeProblems(space: Record<string, unknown>, tune: Record<string, unknown>, raw: Record<string, unknown>): SearchAlgProblem[] {
  const problems: SearchAlgProblem[] = tpeSpaceProblems(space).map((p) => ({
    path: ['param_space', ...p.path],
    message: `param_space.${formatPath(p.path)}: ${p.message}`,
    severity: 'error',
  }));
  // A tune_config with only one of metric and mode is already reported by the spec's own check.
  const reportedElsewhere = (tune.metric === undefined) !== (tune.mode === undefined);
  const missing = (raw.metric ?? tune.metric) === undefined || (raw.mode ?? tune.mode) === undefined;
  if (missing && !reportedElsewhere) {
    const message =
      'the tpe search algorithm needs a metric and a mode to learn from; set tune_config.metric and tune_config.mode (e.g. metric: loss, mode: min)';
    problems.push({ path: AT, message, severity: 'error' });
  }
  return problems;
}
