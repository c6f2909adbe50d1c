/**
 * The param_space as a whole: nested mappings whose leaves are constants or search-space
 * primitives. Mappings are walked; lists are constants, so a primitive inside one is a mistake.
 */
import {
  describe,
  isMapping,
  primitiveNameOf,
  readDomain,
  type Domain,
  type ParamPath,
  type ParamSpaceProblem,
  PRIMITIVE_NAMES,
} from './domain';

export { PRIMITIVE_NAMES, valueKind } from './domain';
export type { Domain, ParamPath, ParamSpaceProblem, PrimitiveName, SampledDomain } from './domain';

/** Thrown when a param_space with problems is used; `problems` holds every one of them. */
export class ParamSpaceError extends Error {
  constructor(readonly problems: ParamSpaceProblem[]) {
    super(problems.map((p) => `${formatPath(p.path)}: ${p.message}`).join('\n'));
    this.name = 'ParamSpaceError';
  }
}

/** The Domain of a primitive node, undefined for anything else; throws ParamSpaceError when it is malformed. */
export function parseDomain(value: unknown): Domain | undefined {
  if (!primitiveNameOf(value)) return undefined;
  const reading = readDomain(value as Record<string, unknown>, []);
  if (!reading.domain) throw new ParamSpaceError(reading.problems);
  return reading.domain;
}

/** Every problem in a param_space; empty when it can be searched. null or undefined count as empty. */
export function validateParamSpace(raw: unknown): ParamSpaceProblem[] {
  if (raw === null || raw === undefined) return [];
  if (!isMapping(raw)) {
    return [
      {
        path: [],
        message: `param_space must be a mapping of names to values; got ${describe(raw)} — write e.g. train_loop_config: {lr: 0.01}`,
      },
    ];
  }
  const name = primitiveNameOf(raw);
  if (name) {
    return [
      {
        path: [],
        message: `param_space itself cannot be a ${name} — put it under a parameter name, e.g. train_loop_config: {lr: {${name}: …}}`,
      },
    ];
  }
  const problems: ParamSpaceProblem[] = [];
  walkMapping(raw, [], problems);
  return problems;
}

function walkMapping(node: Record<string, unknown>, path: ParamPath, problems: ParamSpaceProblem[]): void {
  const keys = Object.keys(node);
  const mixed = keys.filter((key) => isPrimitiveName(key) && Array.isArray(node[key]));
  if (keys.length > 1 && mixed.length > 0) {
    const others = keys.filter((key) => key !== mixed[0]);
    const beside = others.length === 1 ? `${others[0]} sits` : `${others.join(', ')} sit`;
    problems.push({
      path,
      message: `${mixed[0]} must be the only key of its mapping, but ${beside} beside it — move ${others.length === 1 ? 'it to a key of its own' : 'them to keys of their own'}`,
    });
  }
  for (const key of keys) walkValue(node[key], [...path, key], problems);
}

function walkValue(node: unknown, path: ParamPath, problems: ParamSpaceProblem[]): void {
  if (primitiveNameOf(node)) {
    const reading = readDomain(node as Record<string, unknown>, path);
    problems.push(...reading.problems);
    if (reading.domain?.kind === 'grid_search' || reading.domain?.kind === 'choice') {
      const name = reading.domain.kind;
      const options = reading.domain.kind === 'choice' ? reading.domain.categories : reading.domain.values;
      options.forEach((option, i) => findStray(option, [...path, name, i], `the options of ${name}`, problems));
    }
  } else if (isMapping(node)) {
    walkMapping(node, path, problems);
  } else if (Array.isArray(node)) {
    node.forEach((item, i) => findStray(item, [...path, i], 'a list', problems));
  }
}

/** Primitives where only constants are allowed: they would reach the trial unsampled. */
function findStray(node: unknown, path: ParamPath, where: string, problems: ParamSpaceProblem[]): void {
  const name = primitiveNameOf(node);
  if (name) {
    const fix =
      where === 'a list'
        ? `give the value its own key in a mapping, or make the whole list the ${name}, e.g. {${name}: [[1, 2], [1, 3]]}`
        : `give it its own key instead`;
    problems.push({ path, message: `${name} inside ${where} is not expanded (those are constants) — ${fix}` });
  } else if (isMapping(node)) {
    for (const key of Object.keys(node)) findStray(node[key], [...path, key], where, problems);
  } else if (Array.isArray(node)) {
    node.forEach((item, i) => findStray(item, [...path, i], where, problems));
  }
}

function isPrimitiveName(key: string): boolean {
  return (PRIMITIVE_NAMES as readonly string[]).includes(key);
}

/** `train_loop_config.lr.loguniform[0]`, as a person would point at it in the YAML. */
export function formatPath(path: ParamPath): string {
  if (path.length === 0) return 'param_space';
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`)).join('');
}
