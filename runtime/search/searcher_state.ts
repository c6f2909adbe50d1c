/**
 * The envelope of a saved searcher state. It records what the searcher was built from, so
 * a state restored into a searcher of another type, space or seed is refused with the
 * reason, instead of being half-applied over defaults (ray-project/ray#30893).
 */
import { createHash } from 'node:crypto';
import { isMapping } from './domain';

const FORMAT = 1;

export interface SearcherIdentity {
  type: string;
  seed: number;
  num_samples: number;
  /** Digests of the param_space and of the remaining options (points, TPE settings). */
  param_space: string;
  options: string;
}

export class SearcherStateError extends Error {
  constructor(message: string) {
    super(`cannot restore the search algorithm's state: ${message}`);
    this.name = 'SearcherStateError';
  }
}

export function identityOf(type: string, seed: number, numSamples: number, space: unknown, options: unknown): SearcherIdentity {
  return { type, seed, num_samples: numSamples, param_space: digest(space), options: digest(options) };
}

export function wrapState(identity: SearcherIdentity, body: Record<string, unknown>): Record<string, unknown> {
  return { format: FORMAT, identity: { ...identity }, ...structuredClone(body) };
}

/** The state's own fields, once its envelope matches `expected`; throws SearcherStateError otherwise. */
export function unwrapState(state: unknown, expected: SearcherIdentity): Record<string, unknown> {
  if (!isMapping(state) || !isMapping(state.identity)) throw new SearcherStateError('it is not a saved searcher state');
  if (state.format !== FORMAT)
    throw new SearcherStateError(`it has format ${JSON.stringify(state.format)}; this version reads format ${FORMAT}`);
  const saved = state.identity;
  if (saved.type !== expected.type) {
    throw new SearcherStateError(`it was saved by the ${String(saved.type)} search algorithm, but this experiment uses ${expected.type}`);
  }
  for (const field of ['seed', 'num_samples'] as const) {
    if (saved[field] !== expected[field]) {
      throw new SearcherStateError(`it was saved with ${field} ${String(saved[field])}, but this experiment has ${expected[field]}`);
    }
  }
  if (saved.param_space !== expected.param_space) throw new SearcherStateError('it was saved for a different param_space');
  if (saved.options !== expected.options) throw new SearcherStateError(`it was saved with different tune_config.search_alg options`);
  return structuredClone(state);
}

/** A digest of JSON data that does not depend on the order of mapping keys. */
function digest(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 16);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isMapping(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
