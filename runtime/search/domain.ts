/**
 * Search-space primitives as written in a spec's param_space: a one-key mapping whose key
 * is Ray Tune's function name and whose value is its argument list, e.g. `{loguniform: [1e-5, 1e-1]}`.
 * This module reads one such node into a typed Domain, or says what is wrong with it.
 */

export const PRIMITIVE_NAMES = [
  'grid_search',
  'choice',
  'uniform',
  'quniform',
  'loguniform',
  'qloguniform',
  'randint',
  'qrandint',
  'lograndint',
  'qlograndint',
  'randn',
  'qrandn',
] as const;

export type PrimitiveName = (typeof PRIMITIVE_NAMES)[number];

/** `base` is kept for display only: a log-uniform draw does not depend on it (Ray ignores it too). */
export type Domain =
  | { kind: 'grid_search'; values: unknown[] }
  | { kind: 'choice'; categories: unknown[] }
  | { kind: 'uniform'; lower: number; upper: number }
  | { kind: 'quniform'; lower: number; upper: number; q: number }
  | { kind: 'loguniform'; lower: number; upper: number; base: number }
  | { kind: 'qloguniform'; lower: number; upper: number; q: number; base: number }
  /** upper excluded */
  | { kind: 'randint'; lower: number; upper: number }
  /** upper included */
  | { kind: 'qrandint'; lower: number; upper: number; q: number }
  /** upper excluded */
  | { kind: 'lograndint'; lower: number; upper: number; base: number }
  /** upper included */
  | { kind: 'qlograndint'; lower: number; upper: number; q: number; base: number }
  | { kind: 'randn'; mean: number; sd: number }
  | { kind: 'qrandn'; mean: number; sd: number; q: number };

/** Every domain but grid_search, which is expanded rather than sampled. */
export type SampledDomain = Exclude<Domain, { kind: 'grid_search' }>;

export type ParamPath = (string | number)[];

export interface ParamSpaceProblem {
  /** Where the problem is, inside param_space; e.g. ['train_loop_config', 'lr', 'loguniform', 0]. */
  path: ParamPath;
  message: string;
}

/** The type of value a domain yields; JSON cannot tell 2 from 2.0, so a worker may need to cast. */
export function valueKind(domain: Domain): 'int' | 'float' | 'any' {
  if (domain.kind === 'grid_search' || domain.kind === 'choice') return 'any';
  return domain.kind.endsWith('randint') ? 'int' : 'float';
}

export function primitiveNameOf(node: unknown): PrimitiveName | undefined {
  if (!isMapping(node)) return undefined;
  const keys = Object.keys(node);
  if (keys.length !== 1) return undefined;
  return (PRIMITIVE_NAMES as readonly string[]).includes(keys[0]) ? (keys[0] as PrimitiveName) : undefined;
}

export function isMapping(node: unknown): node is Record<string, unknown> {
  return typeof node === 'object' && node !== null && !Array.isArray(node);
}

export interface DomainReading {
  domain?: Domain;
  problems: ParamSpaceProblem[];
}

/** Reads a node already known to be a primitive (see primitiveNameOf) found at `path`. */
export function readDomain(node: Record<string, unknown>, path: ParamPath): DomainReading {
  const [name] = Object.keys(node) as [PrimitiveName];
  const args = node[name];
  if (name === 'grid_search' || name === 'choice') return readOptions(name, args, path);
  return readNumeric(name, args, path);
}

const OPTION_EXAMPLES = { grid_search: '{grid_search: [16, 32, 64]}', choice: '{choice: [adam, sgd]}' };

function readOptions(name: 'grid_search' | 'choice', args: unknown, path: ParamPath): DomainReading {
  const at = [...path, name];
  if (!Array.isArray(args)) {
    const message = `${name} needs a list of options; got ${describe(args)} — write e.g. ${OPTION_EXAMPLES[name]}`;
    return { problems: [{ path: at, message }] };
  }
  if (args.length === 0) {
    const message = `${name} needs at least one option; got an empty list — add options, e.g. ${OPTION_EXAMPLES[name]}`;
    return { problems: [{ path: at, message }] };
  }
  const domain: Domain = name === 'grid_search' ? { kind: name, values: args } : { kind: name, categories: args };
  return { domain, problems: [] };
}

type NumericName = Exclude<PrimitiveName, 'grid_search' | 'choice'>;

interface Signature {
  params: readonly string[];
  required: number;
  /** lower, upper and q must be whole numbers. */
  integer: boolean;
  example: string;
}

const SIGNATURES: Record<NumericName, Signature> = {
  uniform: { params: ['lower', 'upper'], required: 2, integer: false, example: '[0, 1]' },
  quniform: { params: ['lower', 'upper', 'q'], required: 3, integer: false, example: '[0, 1, 0.1]' },
  loguniform: { params: ['lower', 'upper', 'base'], required: 2, integer: false, example: '[1e-5, 1e-1]' },
  qloguniform: { params: ['lower', 'upper', 'q', 'base'], required: 3, integer: false, example: '[1e-4, 1e-1, 1e-4]' },
  randint: { params: ['lower', 'upper'], required: 2, integer: true, example: '[1, 10]' },
  qrandint: { params: ['lower', 'upper', 'q'], required: 2, integer: true, example: '[16, 256, 16]' },
  lograndint: { params: ['lower', 'upper', 'base'], required: 2, integer: true, example: '[1, 1000]' },
  qlograndint: { params: ['lower', 'upper', 'q', 'base'], required: 3, integer: true, example: '[16, 1024, 16]' },
  randn: { params: ['mean', 'sd'], required: 0, integer: false, example: '[0, 1]' },
  qrandn: { params: ['mean', 'sd', 'q'], required: 3, integer: false, example: '[0, 1, 0.1]' },
};

const DEFAULTS: Record<string, number> = { base: 10, q: 1, mean: 0, sd: 1 };

function readNumeric(name: NumericName, args: unknown, path: ParamPath): DomainReading {
  const signature = SIGNATURES[name];
  const at = [...path, name];
  const shape = `[${signature.params.join(', ')}]`;
  if (!Array.isArray(args)) {
    const message = `${name} takes a list of arguments ${shape}; got ${describe(args)} — write e.g. {${name}: ${signature.example}}`;
    return { problems: [{ path: at, message }] };
  }
  const { params, required } = signature;
  if (args.length < required || args.length > params.length) {
    const counts = required === params.length ? `${required}` : `${required} to ${params.length}`;
    const message = `${name} takes ${counts} arguments ${shape}; got ${args.length} — write e.g. {${name}: ${signature.example}}`;
    return { problems: [{ path: at, message }] };
  }
  const problems: ParamSpaceProblem[] = [];
  const values: Record<string, number> = {};
  params.forEach((param, index) => {
    if (index >= args.length) {
      values[param] = DEFAULTS[param];
      return;
    }
    const problem = argumentProblem(name, param, args[index], signature.integer && param !== 'base');
    if (problem) problems.push({ path: [...at, index], message: problem });
    else values[param] = args[index] as number;
  });
  if (problems.length > 0) return { problems };
  const rule = RULES[name](values);
  if (rule) {
    const index = rule.param ? params.indexOf(rule.param) : -1;
    return { problems: [{ path: index >= 0 ? [...at, index] : at, message: `${name} ${rule.message}` }] };
  }
  return { domain: { kind: name, ...values } as Domain, problems: [] };
}

function argumentProblem(name: string, param: string, value: unknown, integer: boolean): string | undefined {
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) {
    return `${name}'s ${param} must be a number; got the string "${value}" — remove the quotes`;
  }
  if (typeof value !== 'number') return `${name}'s ${param} must be a number; got ${describe(value)} — write a number`;
  if (!Number.isFinite(value)) return `${name}'s ${param} must be finite; got ${value} — use a finite bound`;
  if (integer && !Number.isInteger(value)) {
    return `${name}'s ${param} must be a whole number; got ${value} — round it, or use ${name.replace('randint', 'uniform')} for real values`;
  }
  return undefined;
}

interface RuleBreak {
  /** The argument to point at; the whole argument list when absent. */
  param?: string;
  message: string;
}

type Rule = (v: Record<string, number>) => RuleBreak | undefined;

const ordered: Rule = ({ lower, upper }) => {
  if (lower < upper) return undefined;
  const fix = lower === upper ? 'widen the range, or write the value as a constant' : 'swap them';
  return { message: `needs lower < upper; got lower = ${lower}, upper = ${upper} — ${fix}` };
};

const orderedUpperExcluded: Rule = ({ lower, upper }) => {
  if (lower < upper) return undefined;
  const fix = lower === upper ? `raise upper to ${upper + 1} to draw ${lower}` : 'swap them';
  return { message: `needs lower < upper (upper itself is never drawn); got lower = ${lower}, upper = ${upper} — ${fix}` };
};

const positiveLower =
  (example: string): Rule =>
  ({ lower }) =>
    lower > 0
      ? undefined
      : { param: 'lower', message: `needs 0 < lower < upper; got lower = ${lower} — use a positive lower bound such as ${example}` };

const validBase: Rule = ({ base }) =>
  base > 0 && base !== 1
    ? undefined
    : { param: 'base', message: `needs a base > 0 other than 1; got ${base} — leave it out (the default is 10)` };

const positiveQ: Rule = ({ q }) =>
  q > 0 ? undefined : { param: 'q', message: `needs q > 0; got q = ${q} — use the step between values, e.g. 0.1 or 16` };

const positiveSd: Rule = ({ sd }) =>
  sd > 0 ? undefined : { param: 'sd', message: `needs sd > 0; got sd = ${sd} — use a positive standard deviation such as 1` };

/** Ray refuses float bounds that are not multiples of q, since rounding would leave the range. */
const boundsOnStep: Rule = ({ lower, upper, q }) => {
  for (const [param, bound] of [
    ['lower', lower],
    ['upper', upper],
  ] as const) {
    if (!isMultiple(bound, q)) {
      const below = roundToStep(Math.floor(bound / q), q);
      const above = roundToStep(Math.ceil(bound / q), q);
      const message = `needs ${param} to be a multiple of q; got ${param} = ${bound}, q = ${q} — use ${below} or ${above}`;
      return { param, message };
    }
  }
  return undefined;
};

const someStepInside: Rule = ({ lower, upper, q }) =>
  Math.ceil(lower / q) <= Math.floor(upper / q)
    ? undefined
    : { message: `has no multiple of q = ${q} between ${lower} and ${upper} — widen the range or use a smaller q` };

function all(...rules: Rule[]): Rule {
  return (values) => {
    for (const rule of rules) {
      const broken = rule(values);
      if (broken) return broken;
    }
    return undefined;
  };
}

const RULES: Record<NumericName, Rule> = {
  uniform: ordered,
  quniform: all(positiveQ, ordered, boundsOnStep),
  loguniform: all(positiveLower('1e-5'), ordered, validBase),
  qloguniform: all(positiveQ, positiveLower('1e-4'), ordered, validBase, boundsOnStep),
  randint: orderedUpperExcluded,
  qrandint: all(positiveQ, ordered, someStepInside),
  lograndint: all(positiveLower('1'), orderedUpperExcluded, validBase),
  qlograndint: all(positiveQ, positiveLower('1'), ordered, validBase, someStepInside),
  randn: positiveSd,
  qrandn: all(positiveSd, positiveQ),
};

export function isMultiple(value: number, q: number): boolean {
  const ratio = value / q;
  return Math.abs(ratio - Math.round(ratio)) <= 1e-9 * Math.max(1, Math.abs(ratio));
}

/**
 * k * q without binary noise: 3 * 0.1 gives 0.3, not 0.30000000000000004, because these
 * values end up in trial names and tables. Keeps as many decimals as q itself has.
 */
export function roundToStep(k: number, q: number): number {
  const raw = k * q + 0; // + 0 turns -0 into 0
  if (Number.isInteger(q)) return raw;
  const decimals = decimalPlaces(q);
  return decimals <= 100 ? Number(raw.toFixed(decimals)) + 0 : raw;
}

function decimalPlaces(value: number): number {
  const [mantissa, exponent] = String(value).split('e');
  const fraction = mantissa.split('.')[1]?.length ?? 0;
  return Math.max(0, fraction - Number(exponent ?? 0));
}

export function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (typeof value === 'string') return `the string "${value}"`;
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value === 'number' ? 'the number' : 'the value'} ${String(value)}`;
}
