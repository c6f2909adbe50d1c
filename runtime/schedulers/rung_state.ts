/** Rungs to JSON and back, NaN and infinities included, checked against the rungs the options give. */
import { decodeNumber, encodeNumber } from './result_values';
import type { Rung } from './rungs';

export interface SavedRung {
  milestone: number;
  recorded: Array<[string, number | string]>;
}

export function saveRungs(rungs: Rung[]): SavedRung[] {
  return rungs.map((rung) => ({ milestone: rung.milestone, recorded: [...rung.recorded].map(([id, v]) => [id, encodeNumber(v)]) }));
}

/** Fresh rungs filled from `saved`, which must have exactly the milestones of `expected`. */
export function restoreRungs(scheduler: string, saved: unknown[], expected: Rung[][]): Rung[][] {
  const fail = (what: string): never => {
    throw new Error(`cannot restore the ${scheduler} scheduler's state: ${what}`);
  };
  if (saved.length !== expected.length) fail(`it has ${saved.length} brackets, the options give ${expected.length}`);
  return expected.map((rungs, b) => {
    const savedRungs = saved[b];
    if (!Array.isArray(savedRungs) || savedRungs.length !== rungs.length)
      return fail(`bracket ${b} does not have the ${rungs.length} rungs the options give`);
    return rungs.map((rung, r) => {
      const entry = savedRungs[r] as Partial<SavedRung> | null;
      if (entry?.milestone !== rung.milestone || !Array.isArray(entry.recorded)) {
        return fail(`bracket ${b} rung ${r} should be milestone ${rung.milestone}, got ${JSON.stringify(entry?.milestone)}`);
      }
      const recorded = new Map<string, number>();
      for (const pair of entry.recorded) {
        const value = Array.isArray(pair) ? decodeNumber(pair[1]) : undefined;
        if (!Array.isArray(pair) || typeof pair[0] !== 'string' || value === undefined)
          fail(`a value at rung ${rung.milestone} is malformed`);
        recorded.set(pair[0] as string, value as number);
      }
      return { milestone: rung.milestone, recorded };
    });
  });
}
