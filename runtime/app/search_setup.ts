import type { ExperimentSpec } from '../../protocol/spec';
import { UserError } from '../errors/user_error';
import { setupProblems } from '../spec/run_checks';

/**
 * Builds the spec's searcher and scheduler once, so a bad option is bad input (exit 2), not a
 * crash mid-run. A spec read from its file is checked with its lines by loadSpec; this is for
 * one replayed from a journal.
 */
export function checkSearchSetup(spec: ExperimentSpec): void {
  const problems = setupProblems(spec);
  if (problems.length) throw new UserError(problems.map((p) => `${spec.file}: ${p.message}`).join('\n'));
}
