/**
 * The ledger of a Slurm experiment: Slurm places every trial, so admission here only hands out
 * queue entries (max_concurrent_trials caps them, in the Tuner). A grant names CPU amounts and
 * no device indices; Slurm binds GPUs to tasks itself.
 */
import type { AdmissionMode, ResourceAmounts } from '../../../protocol/spec';
import type { BundleGrant } from '../../../protocol/trial';
import type { LedgerSnapshot } from '../../resources/ledger';
import type { TrialLedger } from '../../resources/machine_ledger';
import type { AdmissionResult, TrialRequest } from '../../resources/request';

const bundle = (amounts: ResourceAmounts): BundleGrant => ({ CPU: amounts.CPU, gpus: [] });

export class QueueLedger implements TrialLedger {
  private readonly held = new Map<string, TrialRequest>();

  admit(trialId: string, request: TrialRequest, _mode: AdmissionMode): AdmissionResult {
    // One job holds the whole gang, so Ray mode's two steps are one here.
    this.held.set(trialId, request);
    return { ok: true, grant: { trainable: bundle(request.trainable), workers: request.workers.map(bundle) } };
  }

  acquireWorkers(trialId: string, workers?: ResourceAmounts[]): AdmissionResult {
    const request = this.held.get(trialId);
    const wanted = workers ?? request?.workers ?? [];
    return { ok: true, grant: { trainable: bundle(request?.trainable ?? { CPU: 0, GPU: 0 }), workers: wanted.map(bundle) } };
  }

  release(trialId: string): void {
    this.held.delete(trialId);
  }

  /** Nothing of this machine is held: the Resources view shows the cluster's own picture instead. */
  snapshot(): LedgerSnapshot {
    return { cpu: { used: 0, total: 0 }, gpus: [] };
  }

  othersWillFree(): boolean {
    return false;
  }

  onFreedElsewhere(): void {
    // No other experiment shares a queue ledger.
  }

  close(): void {
    this.held.clear();
  }
}
