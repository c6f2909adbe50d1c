/**
 * The search-space primitives as the editor offers them: what each draws (in Ray Tune's
 * sense) and a snippet with typical arguments.
 */
import type { PrimitiveName } from '../search/domain';

export interface PrimitiveDoc {
  meaning: string;
  /** The argument list as a snippet, e.g. `[${1:1e-4}, ${2:1e-1}]`. */
  args: string;
}

export const PRIMITIVE_DOCS: Record<PrimitiveName, PrimitiveDoc> = {
  grid_search: { meaning: 'Runs every listed value, each in its own trial, times num_samples: an exhaustive grid over this key.', args: '[${1:16}, ${2:32}, ${3:64}]' },
  choice: { meaning: 'Picks one of the listed values per trial, each equally likely.', args: '[${1:0.1}, ${2:0.01}]' },
  uniform: { meaning: 'Draws a float evenly between lower and upper.', args: '[${1:0}, ${2:1}]' },
  quniform: { meaning: 'Draws a float evenly between lower and upper, rounded to a multiple of q.', args: '[${1:0}, ${2:1}, ${3:0.1}]' },
  loguniform: { meaning: 'Draws a float evenly on a log scale between lower and upper (both above 0), the usual pick for learning rates.', args: '[${1:1e-4}, ${2:1e-1}]' },
  qloguniform: { meaning: 'Draws a float evenly on a log scale between lower and upper, rounded to a multiple of q.', args: '[${1:1e-4}, ${2:1e-1}, ${3:1e-4}]' },
  randint: { meaning: 'Draws a whole number evenly from lower up to, but not including, upper.', args: '[${1:1}, ${2:10}]' },
  qrandint: { meaning: 'Draws a whole number evenly from lower to upper (included), a multiple of q.', args: '[${1:16}, ${2:256}, ${3:16}]' },
  lograndint: { meaning: 'Draws a whole number evenly on a log scale from lower up to, but not including, upper.', args: '[${1:1}, ${2:1000}]' },
  qlograndint: { meaning: 'Draws a whole number evenly on a log scale from lower to upper (included), rounded to a multiple of q.', args: '[${1:16}, ${2:1024}, ${3:16}]' },
  randn: { meaning: 'Draws a float from a normal distribution with the given mean and sd (0 and 1 when left out).', args: '[${1:0}, ${2:1}]' },
  qrandn: { meaning: 'Draws a float from a normal distribution (mean, sd), rounded to a multiple of q.', args: '[${1:0}, ${2:1}, ${3:0.1}]' },
};

/** The argument list with its snippet placeholders filled in, for documentation. */
export function exampleArgs(doc: PrimitiveDoc): string {
  return doc.args.replace(/\$\{\d+:([^}]*)\}/g, '$1');
}
