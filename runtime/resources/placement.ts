/**
 * Where a set of bundles would go, given what is free: all of them or none. Pure, so the
 * ledger, the never-fits check and the admission plan all place bundles the same way.
 */
import type { ResourceAmounts } from '../../protocol/spec';
import { UNITS_PER_WHOLE, formatUnits, toUnits } from './units';

/** Free slots in units: the CPU count, and each GPU device's unheld share. */
export interface FreeSlots {
  cpu: number;
  gpus: Array<{ index: number; free: number }>;
}

/** One bundle's exact slots in units. */
export interface PlacedBundle {
  cpu: number;
  gpus: Array<{ index: number; units: number }>;
}

export type Placement = { ok: true; bundles: PlacedBundle[] } | { ok: false; reason: string };

interface Wanted {
  cpu: number;
  gpu: number;
}

/** Why a bundle can never be placed anywhere, whatever the machine; undefined if it is well formed. */
export function bundleProblem(amounts: ResourceAmounts): string | undefined {
  for (const key of ['CPU', 'GPU'] as const) {
    const value = amounts[key];
    if (!Number.isFinite(value) || value < 0) return `${key} must be a non-negative number, got ${value}`;
  }
  // Ray's rule: a share of one device, or whole devices, never 1.5 devices.
  if (amounts.GPU > 1 && !Number.isInteger(amounts.GPU)) {
    return `asks ${amounts.GPU} GPU; above 1, GPU must be a whole number of devices`;
  }
  return undefined;
}

export function placeBundles(free: FreeSlots, bundles: ResourceAmounts[]): Placement {
  for (const bundle of bundles) {
    const problem = bundleProblem(bundle);
    if (problem) return { ok: false, reason: problem };
  }
  const wanted: Wanted[] = bundles.map((b) => ({ cpu: toUnits(b.CPU), gpu: toUnits(b.GPU) }));
  const placed: PlacedBundle[] = wanted.map((w) => ({ cpu: w.cpu, gpus: [] }));
  const shortages: string[] = [];

  const cpuNeeded = wanted.reduce((total, w) => total + w.cpu, 0);
  if (cpuNeeded > free.cpu) shortages.push(`needs ${formatUnits(cpuNeeded)} CPU, ${formatUnits(free.cpu)} free`);

  const remaining = [...free.gpus].sort((a, b) => a.index - b.index).map((g) => ({ ...g }));
  const wholeShortage = placeWholeDevices(wanted, placed, remaining);
  if (wholeShortage) shortages.push(wholeShortage);
  else {
    const shareShortage = placeShares(wanted, placed, remaining);
    if (shareShortage) shortages.push(shareShortage);
  }
  return shortages.length ? { ok: false, reason: shortages.join('; ') } : { ok: true, bundles: placed };
}

/** A request of k whole GPUs takes k devices nobody holds any share of. */
function placeWholeDevices(wanted: Wanted[], placed: PlacedBundle[], remaining: FreeSlots['gpus']): string | undefined {
  const fullyFree = remaining.filter((g) => g.free === UNITS_PER_WHOLE);
  const needed = wanted.reduce((total, w) => total + (w.gpu >= UNITS_PER_WHOLE ? w.gpu / UNITS_PER_WHOLE : 0), 0);
  if (needed > fullyFree.length) return `needs ${needed} GPU on whole devices, ${fullyFree.length} free`;
  let next = 0;
  wanted.forEach((w, i) => {
    for (let k = 0; w.gpu >= UNITS_PER_WHOLE && k < w.gpu / UNITS_PER_WHOLE; k++) {
      const device = fullyFree[next++];
      device.free = 0;
      placed[i].gpus.push({ index: device.index, units: UNITS_PER_WHOLE });
    }
  });
  return undefined;
}

/**
 * A share below one device comes from a single device. Largest shares first, each on the
 * fullest device that still has room (best fit), so devices fill up before new ones are opened.
 */
function placeShares(wanted: Wanted[], placed: PlacedBundle[], remaining: FreeSlots['gpus']): string | undefined {
  const order = wanted
    .map((w, i) => ({ units: w.gpu, i }))
    .filter((s) => s.units > 0 && s.units < UNITS_PER_WHOLE)
    .sort((a, b) => b.units - a.units);
  if (order.length === 0) return undefined;
  const largestBefore = Math.max(0, ...remaining.map((g) => g.free));
  const failed: number[] = [];
  for (const share of order) {
    let best: FreeSlots['gpus'][number] | undefined;
    for (const device of remaining) {
      if (device.free >= share.units && (!best || device.free < best.free)) best = device;
    }
    if (!best) {
      failed.push(share.units);
      continue;
    }
    best.free -= share.units;
    placed[share.i].gpus.push({ index: best.index, units: share.units });
  }
  if (failed.length === 0) return undefined;
  if (order.length === 1) {
    return `needs ${formatUnits(failed[0])} GPU on one device, largest free share ${formatUnits(largestBefore)}`;
  }
  const sizes = [...new Set(order.map((s) => s.units))];
  const fitting = order.length - failed.length;
  if (sizes.length === 1) {
    return `needs ${formatUnits(sizes[0])} GPU on one device for each of ${order.length} bundles, room for ${fitting}`;
  }
  const list = order.map((s) => formatUnits(s.units)).join(' + ');
  return `needs GPU shares ${list}, each on one device, room for ${fitting} of ${order.length}`;
}
