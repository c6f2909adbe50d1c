/**
 * A small seeded PRNG (sfc32) whose output depends only on its seed words, so the same
 * experiment seed gives the same configs on every machine. Integer arithmetic only, except
 * normal() and log sampling, whose Math.log/cos/exp V8 computes with the same code everywhere.
 */

export interface Rng {
  /** Uniform in [0, 1) with 53 random bits. */
  next(): number;
  nextUint32(): number;
  /** Uniform integer in [lower, upperExclusive); both must be integers. */
  int(lower: number, upperExclusive: number): number;
  /** Uniform in [lower, upper). */
  uniform(lower: number, upper: number): number;
  normal(mean?: number, sd?: number): number;
}

const TWO_32 = 2 ** 32;
const TWO_53 = 2 ** 53;
const WARM_UP_ROUNDS = 15;

/**
 * An RNG for one stream of an experiment, e.g. `createRng(seed, trialIndex, hashString(path))`.
 * Any finite numbers are accepted; each is mixed in by its exact float64 bits.
 */
export function createRng(seed: number, ...streams: number[]): Rng {
  const words = [seed, ...streams].flatMap(float64Words);
  const first = hashWords(words, 0x243f6a88);
  const second = hashWords(words, 0x85a308d3);
  return new Sfc32(first, second, (first ^ 0x13198a2e) >>> 0);
}

/** A 32-bit hash of a string (murmur3-style mixing over UTF-16 code units). */
export function hashString(text: string): number {
  const words: number[] = [];
  for (let i = 0; i < text.length; i++) words.push(text.charCodeAt(i));
  return hashWords(words, 0x9e3779b9);
}

class Sfc32 implements Rng {
  private a: number;
  private b: number;
  private c: number;
  private counter = 1;

  constructor(a: number, b: number, c: number) {
    this.a = a | 0;
    this.b = b | 0;
    this.c = c | 0;
    for (let i = 0; i < WARM_UP_ROUNDS; i++) this.nextUint32();
  }

  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.counter) | 0;
    this.counter = (this.counter + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  next(): number {
    const high = this.nextUint32() >>> 5;
    const low = this.nextUint32() >>> 6;
    return (high * 2 ** 26 + low) / TWO_53;
  }

  int(lower: number, upperExclusive: number): number {
    const span = upperExclusive - lower;
    if (!Number.isInteger(lower) || !Number.isInteger(span) || span <= 0) {
      throw new RangeError(`int() needs integers lower < upper; got ${lower}, ${upperExclusive}`);
    }
    if (span > TWO_32) return lower + Math.floor(this.next() * span);
    // Rejection keeps every integer equally likely instead of favouring the low ones.
    const limit = TWO_32 - (TWO_32 % span);
    let draw = this.nextUint32();
    while (draw >= limit) draw = this.nextUint32();
    return lower + (draw % span);
  }

  uniform(lower: number, upper: number): number {
    // lower + span * u can round up to `upper` itself; drawing again keeps the bound open.
    for (;;) {
      const value = lower + (upper - lower) * this.next();
      if (value < upper || upper <= lower) return value;
    }
  }

  normal(mean = 0, sd = 1): number {
    const radius = Math.sqrt(-2 * Math.log(1 - this.next()));
    return mean + sd * radius * Math.cos(2 * Math.PI * this.next());
  }
}

function float64Words(value: number): number[] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value === 0 ? 0 : value);
  return [view.getUint32(0), view.getUint32(4)];
}

function hashWords(words: number[], seed: number): number {
  let h = seed | 0;
  for (const word of words) {
    let k = Math.imul(word | 0, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= words.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
