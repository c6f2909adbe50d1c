/** What hardware detection found, for the ledger's capacity and for the views. */

/** One NVIDIA GPU; a field nvidia-smi could not report is left undefined, never 0. */
export interface GpuInfo {
  /** nvidia-smi's index, the number CUDA_VISIBLE_DEVICES uses. */
  index: number;
  uuid?: string;
  name: string;
  memoryTotalMiB?: number;
  memoryUsedMiB?: number;
  utilizationPct?: number;
}

/** A display adapter that is reported but never scheduled (not NVIDIA, so no CUDA_VISIBLE_DEVICES). */
export interface OtherGpu {
  vendor?: string;
  name: string;
  memoryTotalMiB?: number;
}

export interface HardwareReport {
  cpu: { logical: number; model?: string };
  memory: { totalBytes: number };
  /** Schedulable GPUs, by device index. */
  gpus: GpuInfo[];
  otherGpus: OtherGpu[];
  gpuSource: 'nvidia-smi' | 'systeminformation' | 'none';
  /** What detection did, in sentences: "nvidia-smi not found on PATH", "2 NVIDIA GPUs found". */
  notes: string[];
}
