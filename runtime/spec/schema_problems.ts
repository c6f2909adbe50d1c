import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { closestName } from './did_you_mean';
import { readSpecSchema } from './schema_file';
import type { PathProblem, SpecPath } from './positions';
import { describeValue, orList, pathText, typeWords } from './wording';

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, verbose: true, allowUnionTypes: true });
    ajv.addKeyword('markdownDescription');
    compiled = ajv.compile(readSpecSchema());
  }
  return compiled;
}

/** Every way `data` breaks runtime/spec/schema.json, each as one sentence saying what to change. */
export function schemaProblems(data: unknown): PathProblem[] {
  const validate = validator();
  if (validate(data)) return [];
  const problems: PathProblem[] = [];
  const seen = new Set<string>();
  for (const error of validate.errors ?? []) {
    const problem = rewrite(error, pointerToPath(error.instancePath, data));
    const id = problem && `${problem.path.join('\0')}\0${problem.message}`;
    if (problem && id && !seen.has(id)) {
      seen.add(id);
      problems.push(problem);
    }
  }
  return problems;
}

const REQUIRED_HINTS: Record<string, string> = {
  trainer: 'add a trainer with the program each worker runs, e.g. trainer: {command: [python3, train.py]}',
  'trainer.command': 'add the program each worker runs, e.g. command: [python3, train.py]',
};

const UNKNOWN_KEY_HINTS: Record<string, (key: string) => string> = {
  param_space: (key) =>
    `param_space.${key} is not a Trainer argument; training hyperparameters go under param_space.train_loop_config (e.g. param_space.train_loop_config.${key})`,
};

function rewrite(error: ErrorObject, path: SpecPath): PathProblem | undefined {
  const where = pathText(path);
  const got = describeValue(error.data);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'if':
      return undefined; // the failing then/else branch reports the real problem
    case 'required': {
      const missing = [...path, String(params.missingProperty)];
      const hint = REQUIRED_HINTS[pathText(missing)] ?? requiredHint(error, String(params.missingProperty));
      return { path, message: `${pathText(missing)} is missing; ${hint}`, at: 'key' };
    }
    case 'additionalProperties':
      return unknownKey(error, path, String(params.additionalProperty));
    case 'type': {
      const fix = error.data === null ? '; give it a value or remove the key' : typeFix(params.type, error.data);
      return { path, message: `${where} must be ${typeWords(params.type as string | string[])}, got ${got}${fix}` };
    }
    case 'enum': {
      const allowed = params.allowedValues as unknown[];
      const suggestion = typeof error.data === 'string' ? closestName(error.data, allowed.map(String)) : undefined;
      return { path, message: enumMessage(where, allowed, error.data, suggestion), suggestion };
    }
    case 'minimum':
      return { path, message: `${where} must be at least ${params.limit}, got ${got}` };
    case 'exclusiveMinimum':
      return { path, message: `${where} must be greater than ${params.limit}, got ${got}` };
    case 'maximum':
      return { path, message: `${where} must be at most ${params.limit}, got ${got}` };
    case 'minLength':
      return { path, message: params.limit === 1 ? `${where} must not be empty` : `${where} must have at least ${params.limit} characters` };
    default:
      return { path, message: `${where} ${error.message ?? 'is not valid'}` };
  }
}

function unknownKey(error: ErrorObject, path: SpecPath, key: string): PathProblem {
  const at = [...path, key];
  const special = UNKNOWN_KEY_HINTS[pathText(path)];
  const known = Object.keys((error.parentSchema?.properties as Record<string, unknown> | undefined) ?? {});
  const guess = closestName(key, known);
  const place = path.length === 0 ? 'at the top level' : `in ${pathText(path)}`;
  let message: string;
  if (guess) message = `unknown key "${key}" ${place}; did you mean ${guess}?`;
  else if (special) message = special(key);
  else message = `unknown key "${key}" ${place}; expected ${orList(known)}`;
  return { path: at, message, at: 'key', suggestion: guess };
}

function typeFix(expected: unknown, value: unknown): string {
  const wantsBoolean = expected === 'boolean' || (Array.isArray(expected) && expected.includes('boolean'));
  if (wantsBoolean && typeof value === 'string' && /^(yes|no|on|off|y|n)$/i.test(value)) {
    return '; write true or false (YAML 1.2 reads yes, no, on and off as text)';
  }
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value)) && /number|integer/.test(String(expected))) {
    return '; remove the quotes';
  }
  return '';
}

function enumMessage(where: string, allowed: unknown[], value: unknown, guess: string | undefined): string {
  const quoted = allowed.map((v) => JSON.stringify(v));
  const suffix = guess ? `; did you mean "${guess}"?` : '';
  return `${where} must be ${orList(quoted)}, got ${describeValue(value)}${suffix}`;
}

function requiredHint(error: ErrorObject, missing: string): string {
  const properties = error.parentSchema?.properties as Record<string, { enum?: unknown[] }> | undefined;
  const choices = properties?.[missing]?.enum;
  return choices ? `add ${missing}: one of ${orList(choices.map(String))}` : `add ${missing}`;
}

/** JSON pointer to path, with indices as numbers where the data there is a list. */
function pointerToPath(pointer: string, data: unknown): SpecPath {
  const path: SpecPath = [];
  let node = data;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const segment = Array.isArray(node) ? Number(key) : key;
    path.push(segment);
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
  }
  return path;
}
