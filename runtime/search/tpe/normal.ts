/**
 * The standard normal distribution to near double precision, in log space where tails
 * matter: TPE compares kernels whose mass at a point may be far below 1e-300.
 */

const LOG_HALF = Math.log(0.5);
const HALF_LOG_PI = 0.5 * Math.log(Math.PI);
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);
/** Below this the series for erf is exact enough; above it the continued fraction converges fast. */
const SERIES_LIMIT = 2;

/** log of the standard normal density. */
export function logNormalPdf(z: number): number {
  return -0.5 * z * z - HALF_LOG_TWO_PI;
}

/** Φ(z), the standard normal CDF. */
export function normalCdf(z: number): number {
  return Math.exp(logNormalCdf(z));
}

/** log Φ(z), finite however far z is in the lower tail. */
export function logNormalCdf(z: number): number {
  if (z === Infinity) return 0;
  if (z === -Infinity) return -Infinity;
  if (z > 0) return Math.log1p(-Math.exp(logNormalCdf(-z)));
  return LOG_HALF + logErfc(-z / Math.SQRT2);
}

/** log(Φ(b) − Φ(a)) for a < b, without the cancellation of subtracting two numbers near 1. */
export function logMassBetween(a: number, b: number): number {
  if (!(a < b)) return -Infinity;
  if (a >= 0) return logMassBetween(-b, -a);
  if (b <= 0) {
    const upper = logNormalCdf(b);
    return upper + log1mExp(logNormalCdf(a) - upper);
  }
  return Math.log1p(-(normalCdf(a) + normalCdf(-b)));
}

/**
 * The z in [a, b] with Φ(z) − Φ(a) = u (Φ(b) − Φ(a)), for u in [0, 1): a draw from the
 * standard normal truncated to [a, b] when u is uniform. The equation is solved in the
 * smaller tail, so neither side loses digits to a probability near 1. `logMass` is
 * logMassBetween(a, b), for callers that already know it.
 */
export function truncatedNormalQuantile(a: number, b: number, u: number, logMass = logMassBetween(a, b)): number {
  if (a > 0) return -truncatedNormalQuantile(-b, -a, 1 - u, logMass);
  const logBelow = logAddExp(logNormalCdf(a), Math.log(u) + logMass);
  const z = logBelow <= LOG_HALF ? lowerTailQuantile(logBelow) : -lowerTailQuantile(logAddExp(logNormalCdf(-b), Math.log(1 - u) + logMass));
  return Math.min(Math.max(z, a), b);
}

/** The z <= 0 with log Φ(z) = logP: a rational first guess (Abramowitz & Stegun 26.2.23), then Newton steps. */
function lowerTailQuantile(logP: number): number {
  if (logP === -Infinity) return -Infinity;
  const t = Math.sqrt(-2 * logP);
  let z = -(t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t));
  for (let i = 0; i < 8; i++) {
    const logCdf = logNormalCdf(z);
    const step = (logCdf - logP) / Math.exp(logNormalPdf(z) - logCdf);
    z -= step;
    if (Math.abs(step) <= 1e-14 * (1 + Math.abs(z))) break;
  }
  return z;
}

/** log erfc(t) for t >= 0. */
function logErfc(t: number): number {
  if (t < SERIES_LIMIT) return Math.log1p(-erf(t));
  // erfc(t) = exp(-t²)/√π · 1/(t + (1/2)/(t + 1/(t + (3/2)/(t + …)))), evaluated from the tail up.
  let fraction = t;
  for (let k = 40; k >= 1; k--) fraction = t + k / 2 / fraction;
  return -t * t - HALF_LOG_PI - Math.log(fraction);
}

/** erf(t) for 0 <= t < 2 by a series of positive terms, so nothing cancels. */
function erf(t: number): number {
  let term = t;
  let sum = t;
  for (let n = 1; n < 200 && term > 1e-17 * sum; n++) {
    term *= (2 * t * t) / (2 * n + 1);
    sum += term;
  }
  return (2 / Math.sqrt(Math.PI)) * Math.exp(-t * t) * sum;
}

function logAddExp(x: number, y: number): number {
  const max = Math.max(x, y);
  return max === -Infinity ? -Infinity : max + Math.log1p(Math.exp(Math.min(x, y) - max));
}

/** log(1 − e^x) for x <= 0. */
function log1mExp(x: number): number {
  return x > -Math.LN2 ? Math.log(-Math.expm1(x)) : Math.log1p(-Math.exp(x));
}
