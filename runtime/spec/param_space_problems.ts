/**
 * param_space as the spec checks it: the search space's own rules, plus keys that nearly name
 * a primitive. `{loguniformm: [1e-4, 1e-1]}` is otherwise a constant, and a trial would get
 * the mapping itself as its learning rate (issue #12).
 */
import { validateParamSpace } from '../search/space';
import { isMapping, primitiveNameOf, PRIMITIVE_NAMES } from '../search/domain';
import { closestName } from './did_you_mean';
import type { PathProblem, SpecPath } from './positions';
import { pathText } from './wording';

export function paramSpaceProblems(data: unknown): PathProblem[] {
  const space = (data as { param_space?: unknown } | undefined)?.param_space;
  if (!isMapping(space)) return [];
  const problems: PathProblem[] = validateParamSpace(space).map((p) => {
    const path = ['param_space', ...p.path];
    return { path, message: `${pathText(path)}: ${p.message}` };
  });
  for (const [key, value] of Object.entries(space)) nearMisses(value, ['param_space', key], problems);
  return problems;
}

/** Walks the mappings a search space expands; lists and primitives' arguments are constants. */
function nearMisses(node: unknown, path: SpecPath, problems: PathProblem[]): void {
  if (!isMapping(node) || primitiveNameOf(node)) return;
  const keys = Object.keys(node);
  const guess = keys.length === 1 ? closestName(keys[0], PRIMITIVE_NAMES) : undefined;
  if (guess) {
    const message =
      `${pathText(path)} has the key "${keys[0]}", which is not a search-space primitive; did you mean ${guess}? ` +
      `(as written, every trial would get the mapping itself as the value)`;
    problems.push({ path: [...path, keys[0]], message, at: 'key', suggestion: guess });
    return;
  }
  for (const key of keys) nearMisses(node[key], [...path, key], problems);
}
