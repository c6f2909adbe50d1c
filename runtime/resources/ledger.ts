/**
 * The one account of every logical slot on the machine: CPUs as a count, GPUs by device
 * index with fractional shares packed per device. Grants name exact devices, so the
 * CUDA_VISIBLE_DEVICES of two trials overlap only where fractional shares share a device.
 * How many trials run at once is the Tuner's cap, not the ledger's.
 */
import type { AdmissionMode, ResourceAmounts } from '../../protocol/spec';
import type { BundleGrant, TrialGrant } from '../../protocol/trial';
import { placeBundles, type FreeSlots, type PlacedBundle } from './placement';
import type { AdmissionResult, SchedulableCapacity, TrialRequest } from './request';
import { UNITS_PER_WHOLE, fromUnits, toUnits } from './units';

interface Holding {
  request: TrialRequest;
  trainable: PlacedBundle;
  /** Empty while a Ray-mode trial waits for its worker bundle. */
  workers: PlacedBundle[];
}

export interface GpuHolder {
  trialId: string;
  rank: number | 'trainable';
  fraction: number;
}

export interface LedgerSnapshot {
  cpu: { used: number; total: number };
  gpus: Array<{ index: number; used: number; holders: GpuHolder[] }>;
}

export class ResourceLedger {
  private readonly cpuTotal: number;
  private cpuUsed = 0;
  /** Units held per device, in device-index order. */
  private readonly gpuUsed = new Map<number, number>();
  private readonly holdings = new Map<string, Holding>();

  constructor(capacity: SchedulableCapacity) {
    this.cpuTotal = Math.max(0, toUnits(capacity.CPU));
    for (const index of [...capacity.gpus].sort((a, b) => a - b)) this.gpuUsed.set(index, 0);
  }

  /**
   * Coordinated mode takes the trainable and every worker at once, or nothing. Ray mode takes
   * only the trainable; the workers come later through acquireWorkers, as a placement group.
   * Admitting a trial that already holds resources is a caller bug and throws.
   */
  admit(trialId: string, request: TrialRequest, mode: AdmissionMode): AdmissionResult {
    if (this.holdings.has(trialId)) {
      throw new Error(`trial ${trialId} already holds resources; release it before admitting it again`);
    }
    const bundles = mode === 'coordinated' ? [request.trainable, ...request.workers] : [request.trainable];
    const placement = placeBundles(this.free(), bundles);
    if (!placement.ok) return placement;
    this.take(placement.bundles);
    const [trainable, ...workers] = placement.bundles;
    this.holdings.set(trialId, { request, trainable, workers });
    return { ok: true, grant: this.grantOf(trialId) as TrialGrant };
  }

  /** All worker bundles or none; on failure the trial keeps its trainable and may try again. */
  acquireWorkers(trialId: string, workers?: ResourceAmounts[]): AdmissionResult {
    const holding = this.holdings.get(trialId);
    if (!holding) throw new Error(`trial ${trialId} holds no trainable; admit it before acquiring workers`);
    if (holding.workers.length > 0) throw new Error(`trial ${trialId} already holds its workers`);
    if (workers) holding.request = { ...holding.request, workers };
    const placement = placeBundles(this.free(), holding.request.workers);
    if (!placement.ok) return placement;
    this.take(placement.bundles);
    holding.workers = placement.bundles;
    return { ok: true, grant: this.grantOf(trialId) as TrialGrant };
  }

  /** Frees everything the trial holds. Releasing twice, or an unknown trial, does nothing. */
  release(trialId: string): void {
    const holding = this.holdings.get(trialId);
    if (!holding) return;
    this.give([holding.trainable, ...holding.workers]);
    this.holdings.delete(trialId);
  }

  /** Frees the workers but keeps the trainable, for a worker-group restart. */
  releaseWorkers(trialId: string): void {
    const holding = this.holdings.get(trialId);
    if (!holding) return;
    this.give(holding.workers);
    holding.workers = [];
  }

  grantOf(trialId: string): TrialGrant | undefined {
    const holding = this.holdings.get(trialId);
    if (!holding) return undefined;
    return { trainable: toGrant(holding.trainable), workers: holding.workers.map(toGrant) };
  }

  private free(): FreeSlots {
    return {
      cpu: this.cpuTotal - this.cpuUsed,
      gpus: [...this.gpuUsed].map(([index, used]) => ({ index, free: UNITS_PER_WHOLE - used })),
    };
  }

  /** The keys of everyone holding anything. */
  holderKeys(): string[] {
    return [...this.holdings.keys()];
  }

  /** Whether `key` holds only its trainable while it waits for its workers (Ray mode). */
  waitsForWorkers(key: string): boolean {
    const holding = this.holdings.get(key);
    return !!holding && holding.workers.length === 0 && holding.request.workers.length > 0;
  }

  /**
   * Who holds what. `select` maps a holder's key to the id to show, or to undefined to leave
   * it out; `used` then counts only the holders shown, against the whole machine's totals.
   */
  snapshot(select: (key: string) => string | undefined = (key) => key): LedgerSnapshot {
    const holders = new Map<number, GpuHolder[]>([...this.gpuUsed.keys()].map((index) => [index, []]));
    const gpuUnits = new Map<number, number>([...this.gpuUsed.keys()].map((index) => [index, 0]));
    let cpuUnits = 0;
    for (const [key, holding] of this.holdings) {
      const trialId = select(key);
      if (trialId === undefined) continue;
      const bundles: Array<[number | 'trainable', PlacedBundle]> = [['trainable', holding.trainable]];
      holding.workers.forEach((worker, rank) => bundles.push([rank, worker]));
      for (const [rank, bundle] of bundles) {
        cpuUnits += bundle.cpu;
        for (const share of bundle.gpus) {
          holders.get(share.index)?.push({ trialId, rank, fraction: fromUnits(share.units) });
          gpuUnits.set(share.index, (gpuUnits.get(share.index) ?? 0) + share.units);
        }
      }
    }
    return {
      cpu: { used: fromUnits(cpuUnits), total: fromUnits(this.cpuTotal) },
      gpus: [...this.gpuUsed.keys()].map((index) => ({
        index,
        used: fromUnits(gpuUnits.get(index) ?? 0),
        holders: holders.get(index) ?? [],
      })),
    };
  }

  private take(bundles: PlacedBundle[]): void {
    this.adjust(bundles, 1);
  }

  private give(bundles: PlacedBundle[]): void {
    this.adjust(bundles, -1);
  }

  private adjust(bundles: PlacedBundle[], sign: 1 | -1): void {
    for (const bundle of bundles) {
      this.cpuUsed += sign * bundle.cpu;
      for (const share of bundle.gpus) {
        this.gpuUsed.set(share.index, (this.gpuUsed.get(share.index) ?? 0) + sign * share.units);
      }
    }
    // Placement checked free slots first, so this only fires on a bug in the ledger itself.
    const overdrawn = this.cpuUsed > this.cpuTotal || [...this.gpuUsed.values()].some((u) => u > UNITS_PER_WHOLE || u < 0);
    if (overdrawn || this.cpuUsed < 0) throw new Error('resource ledger over-allocated; this is a bug');
  }
}

function toGrant(bundle: PlacedBundle): BundleGrant {
  return {
    CPU: fromUnits(bundle.cpu),
    gpus: bundle.gpus.map((share) => ({ index: share.index, fraction: fromUnits(share.units) })),
  };
}
