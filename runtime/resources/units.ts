/**
 * Fixed-point resource amounts. Like Ray, amounts are kept to 1/10000, so ten shares of 0.1
 * add up to exactly one device and the ledger never drifts through float rounding.
 */

export const UNITS_PER_WHOLE = 10_000;

export function toUnits(amount: number): number {
  return Math.round(amount * UNITS_PER_WHOLE);
}

export function fromUnits(units: number): number {
  return units / UNITS_PER_WHOLE;
}

/** An amount written for people: `0.25`, `2`. */
export function formatUnits(units: number): string {
  return String(fromUnits(units));
}
