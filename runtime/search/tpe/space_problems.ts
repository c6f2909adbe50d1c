/** What in a param_space TPE cannot model. */
import { isMapping, primitiveNameOf, type ParamPath, type ParamSpaceProblem } from '../domain';

/** Paths are inside param_space, as validateParamSpace's; empty when TPE can search the space. */
export function tpeSpaceProblems(space: unknown): ParamSpaceProblem[] {
  const problems: ParamSpaceProblem[] = [];
  const visit = (node: unknown, path: ParamPath) => {
    if (primitiveNameOf(node) === 'grid_search') {
      const values = (node as { grid_search: unknown }).grid_search;
      const example = Array.isArray(values) ? JSON.stringify(values) : '[...]';
      problems.push({
        path: [...path, 'grid_search'],
        message: `grid_search cannot be modelled by TPE; use choice instead, e.g. {choice: ${example}}`,
      });
    } else if (isMapping(node) && !primitiveNameOf(node)) {
      for (const [key, child] of Object.entries(node)) visit(child, [...path, key]);
    }
  };
  visit(space, []);
  return problems;
}
