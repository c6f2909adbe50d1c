/**
 * Detects CPUs, memory and GPUs. Never throws: whatever fails is described in `notes`
 * and replaced by the best fallback, so a broken driver cannot stop an experiment.
 */
import * as os from 'node:os';
import * as systeminformation from 'systeminformation';
import { DEFAULT_NVIDIA_SMI_TIMEOUT_MS, queryNvidiaSmi } from './nvidia_smi';
import type { GpuInfo, HardwareReport, OtherGpu } from './report';

/** The part of systeminformation detection uses; tests pass their own. */
export interface SystemInfoSource {
  cpu(): Promise<{ manufacturer?: string; brand?: string; cores?: number }>;
  mem(): Promise<{ total?: number }>;
  graphics(): Promise<{ controllers?: Array<{ vendor?: string; model?: string; vram?: number | null }> }>;
}

export interface DetectOptions {
  /** PATH for finding nvidia-smi, and the environment it runs in. */
  env?: NodeJS.ProcessEnv;
  /** Deadline for each probe. */
  timeoutMs?: number;
  systemInfo?: SystemInfoSource;
}

type Probe<T> = { ok: true; value: T } | { ok: false; why: string };

export async function detectHardware(opts: DetectOptions = {}): Promise<HardwareReport> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_NVIDIA_SMI_TIMEOUT_MS;
  const source = opts.systemInfo ?? systeminformation;
  const [cpuProbe, memProbe, nvidia] = await Promise.all([
    probe(() => source.cpu(), timeoutMs),
    probe(() => source.mem(), timeoutMs),
    queryNvidiaSmi({ env: opts.env, timeoutMs }),
  ]);
  const notes: string[] = [];

  const logical = cpuProbe.ok && cpuProbe.value.cores && cpuProbe.value.cores > 0 ? cpuProbe.value.cores : undefined;
  if (!logical) notes.push(`CPU count from os.cpus(): systeminformation ${cpuProbe.ok ? 'reported none' : cpuProbe.why}`);
  const siModel = cpuProbe.ok ? [cpuProbe.value.manufacturer, cpuProbe.value.brand].filter(Boolean).join(' ') : '';
  const cpu = { logical: logical ?? Math.max(1, os.cpus().length), model: siModel || os.cpus()[0]?.model || undefined };

  const total = memProbe.ok && memProbe.value.total && memProbe.value.total > 0 ? memProbe.value.total : undefined;
  if (!total) notes.push(`memory from os.totalmem(): systeminformation ${memProbe.ok ? 'reported none' : memProbe.why}`);
  const memory = { totalBytes: total ?? os.totalmem() };

  notes.push(...nvidia.notes);
  if (nvidia.status === 'ok') {
    return { cpu, memory, gpus: nvidia.gpus, otherGpus: [], gpuSource: 'nvidia-smi', notes };
  }
  if (nvidia.status === 'failed') return { cpu, memory, gpus: [], otherGpus: [], gpuSource: 'none', notes };

  // Only without nvidia-smi: other vendors' adapters, reported so the user sees them.
  const graphics = await probe(() => source.graphics(), timeoutMs);
  if (!graphics.ok) {
    notes.push(`display adapters unknown: systeminformation ${graphics.why}`);
    return { cpu, memory, gpus: [], otherGpus: [], gpuSource: 'none', notes };
  }
  const { gpus, otherGpus, notes: adapterNotes } = splitAdapters(graphics.value.controllers ?? []);
  notes.push(...adapterNotes);
  const found = gpus.length + otherGpus.length > 0;
  return { cpu, memory, gpus, otherGpus, gpuSource: found ? 'systeminformation' : 'none', notes };
}

/**
 * NVIDIA adapters seen without nvidia-smi are scheduled in the order listed (CUDA may still work
 * where only the tool is missing); other vendors are reported only, since the ledger hands out
 * CUDA_VISIBLE_DEVICES.
 */
function splitAdapters(controllers: Array<{ vendor?: string; model?: string; vram?: number | null }>): {
  gpus: GpuInfo[];
  otherGpus: OtherGpu[];
  notes: string[];
} {
  const gpus: GpuInfo[] = [];
  const otherGpus: OtherGpu[] = [];
  for (const c of controllers) {
    const name = c.model || c.vendor || 'unknown adapter';
    const memoryTotalMiB = typeof c.vram === 'number' && c.vram > 0 ? c.vram : undefined;
    if (/nvidia/i.test(`${c.vendor ?? ''} ${c.model ?? ''}`)) gpus.push({ index: gpus.length, name, memoryTotalMiB });
    else otherGpus.push({ vendor: c.vendor || undefined, name, memoryTotalMiB });
  }
  const notes: string[] = [];
  if (gpus.length > 0) notes.push(`${gpus.length} NVIDIA GPU${gpus.length === 1 ? '' : 's'} seen by systeminformation without nvidia-smi`);
  if (otherGpus.length > 0) {
    notes.push(`not scheduled (not NVIDIA): ${otherGpus.map((g) => g.name).join(', ')}`);
  }
  if (controllers.length === 0) notes.push('no GPU found');
  return { gpus, otherGpus, notes };
}

async function probe<T>(work: () => Promise<T>, timeoutMs: number): Promise<Probe<T>> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<Probe<T>>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, why: `did not answer within ${timeoutMs} ms` }), timeoutMs);
  });
  const attempt = Promise.resolve()
    .then(work)
    .then(
      (value): Probe<T> => ({ ok: true, value }),
      (error: unknown): Probe<T> => ({ ok: false, why: `failed: ${error instanceof Error ? error.message : String(error)}` }),
    );
  try {
    return await Promise.race([attempt, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

// The CLI reads detection and capacity together.
export { schedulableCapacity } from '../../protocol/capacity';
