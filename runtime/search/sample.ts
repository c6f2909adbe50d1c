/**
 * Draws one value from a Domain, with Ray Tune's semantics: quantized domains draw on the
 * bounds narrowed to multiples of q and round to the nearest multiple, which makes upper
 * reachable; randint and lograndint never return upper.
 */
import { roundToStep, type SampledDomain } from './domain';
import type { Rng } from './rng';

export function sampleDomain(domain: SampledDomain, rng: Rng): unknown {
  switch (domain.kind) {
    case 'choice':
      return domain.categories[rng.int(0, domain.categories.length)];
    case 'uniform':
      return rng.uniform(domain.lower, domain.upper);
    case 'loguniform':
      return logUniform(domain.lower, domain.upper, rng);
    case 'randint':
      return rng.int(domain.lower, domain.upper);
    case 'lograndint':
      return Math.min(Math.floor(logUniform(domain.lower, domain.upper, rng)), domain.upper - 1);
    case 'randn':
      return rng.normal(domain.mean, domain.sd);
    case 'quniform': {
      const [low, high] = stepRange(domain.lower, domain.upper, domain.q, true);
      return onStep(rng.uniform(low * domain.q, high * domain.q), domain.q, low, high);
    }
    case 'qloguniform': {
      const [low, high] = stepRange(domain.lower, domain.upper, domain.q, true);
      return onStep(logUniform(low * domain.q, high * domain.q, rng), domain.q, low, high);
    }
    case 'qrandint': {
      // Every multiple of q equally likely; Ray's draw-then-round gives the two ends half
      // weight and, for q = 1, never draws upper, against its own docstring.
      const [low, high] = stepRange(domain.lower, domain.upper, domain.q, false);
      return rng.int(low, high + 1) * domain.q;
    }
    case 'qlograndint': {
      const [low, high] = stepRange(domain.lower, domain.upper, domain.q, false);
      return onStep(logUniform(low * domain.q, high * domain.q, rng), domain.q, low, high);
    }
    case 'qrandn':
      return onStep(rng.normal(domain.mean, domain.sd), domain.q, -Infinity, Infinity);
  }
}

/** exp of a uniform draw between the logs; clamped because exp(log(x)) can miss x by an ulp. */
function logUniform(lower: number, upper: number, rng: Rng): number {
  const value = Math.exp(rng.uniform(Math.log(lower), Math.log(upper)));
  return Math.min(Math.max(value, lower), upper);
}

/**
 * The first and last multiples of q inside [lower, upper], as step counts. Float bounds are
 * already multiples of q (validated), so they are rounded rather than floored to absorb noise.
 */
function stepRange(lower: number, upper: number, q: number, boundsOnStep: boolean): [number, number] {
  if (boundsOnStep) return [Math.round(lower / q), Math.round(upper / q)];
  return [Math.ceil(lower / q), Math.floor(upper / q)];
}

function onStep(value: number, q: number, lowStep: number, highStep: number): number {
  const step = Math.min(Math.max(Math.round(value / q), lowStep), highStep);
  return roundToStep(step, q);
}
