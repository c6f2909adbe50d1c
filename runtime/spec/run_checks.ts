/**
 * Checks of a resolved spec that need more than its text: its searcher and scheduler can be
 * built, and every trial fits the machine. checkSpecText places them in the file, so
 * `tunekit validate`, `run` and the editor report them alike (issue #12).
 */
import type { ExperimentSpec } from '../../protocol/spec';
import { neverFits } from '../resources/never_fits';
import type { SchedulableCapacity } from '../resources/request';
import { createScheduler } from '../schedulers/create_scheduler';
import { createSearcher } from '../search/create_searcher';
import { plannedTrials } from './planned_trials';
import type { PathProblem, SpecPath } from './positions';

/** The searcher and scheduler the run would build; a bad option is a problem at the option it names. */
export function setupProblems(spec: ExperimentSpec): PathProblem[] {
  const problems: PathProblem[] = [];
  const attempt = (section: 'search_alg' | 'scheduler', build: () => unknown) => {
    try {
      build();
    } catch (err) {
      const message = (err as Error).message;
      problems.push({ path: pathNamedIn(message, section) ?? ['tune_config', section], message });
    }
  };
  attempt('search_alg', () => createSearcher(spec));
  attempt('scheduler', () => createScheduler(spec.tune_config, spec.tune_config.seed));
  return problems;
}

/** `tune_config.scheduler.grace_period` in a message, as a path to place it at; only inside the section that failed. */
function pathNamedIn(message: string, section: string): SpecPath | undefined {
  const named = message.match(/\btune_config(\.[A-Za-z_][A-Za-z0-9_]*)+/g) ?? [];
  return named.map((text) => text.split('.')).find((path) => path[1] === section && path.length > 2);
}

/** Trials this machine could never admit, one problem per distinct reason. */
export function fitProblems(spec: ExperimentSpec, capacity: SchedulableCapacity): PathProblem[] {
  // On a cluster the partitions decide, not this machine (runtime/backends/slurm/cluster_fit.ts).
  if (spec.backend?.type === 'slurm') return [];
  const searched = typeof spec.param_space.scaling_config === 'object' && spec.param_space.scaling_config !== null;
  const path = searched ? ['param_space', 'scaling_config'] : ['trainer', 'scaling_config'];
  const seen = new Set<string>();
  const reasons = new Map<string, string>();
  let planned;
  try {
    planned = plannedTrials(spec, 10_000).trials;
  } catch {
    return []; // a searcher that cannot be built is setupProblems' to report
  }
  for (const { trialId, request } of planned) {
    const key = JSON.stringify(request);
    if (seen.has(key)) continue;
    seen.add(key);
    const reason = neverFits(request, capacity);
    if (reason && !reasons.has(reason)) reasons.set(reason, trialId);
    if (seen.size > 1000) break;
  }
  return [...reasons].map(([reason, trialId]) => ({ path, message: `trial ${trialId} can never run on this machine: ${reason}` }));
}
