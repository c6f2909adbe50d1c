/**
 * The natural logarithm rounded to the nearest double, as glibc's log (and so Python's and
 * numpy's) returns it. V8's Math.log can be one ulp off (Math.log(243) / Math.log(3) is 5,
 * Python's is 4.999…), and Ray counts ASHA's rungs from that quotient, so only the correctly
 * rounded value reproduces Ray's rungs at exact powers of the reduction factor.
 */
const BITS = 160n;
const ONE = 1n << BITS;
const MANTISSA_BITS = 52;

/** atanh(num / den) in fixed point, for 0 <= num / den <= 1/3. */
function atanhFixed(num: bigint, den: bigint): bigint {
  const z = (num << BITS) / den;
  const z2 = (z * z) >> BITS;
  let term = z;
  let sum = 0n;
  for (let k = 1n; term !== 0n; k += 2n) {
    sum += term / k;
    term = (term * z2) >> BITS;
  }
  return sum;
}

const LN2 = 2n * atanhFixed(1n, 3n);

export function roundedLog(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return Math.log(x);
  // x = m * 2^e with m in [1, 2); m carries 52 fraction bits, so M = m * 2^52 is exact.
  let e = Math.floor(Math.log2(x));
  let m = x / 2 ** e;
  if (m >= 2) ((m /= 2), e++);
  if (m < 1) ((m *= 2), e--);
  const M = BigInt(m * 2 ** MANTISSA_BITS);
  const unit = 1n << BigInt(MANTISSA_BITS);
  // ln m = 2 atanh((m - 1) / (m + 1)); (m - 1) / (m + 1) < 1/3 on [1, 2).
  const fixed = BigInt(e) * LN2 + 2n * atanhFixed(M - unit, M + unit);
  // Number() of a BigInt rounds to nearest; dividing by a power of two is exact.
  return Number(fixed) / Number(ONE);
}
