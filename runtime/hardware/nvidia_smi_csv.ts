/**
 * Reads the CSV of `nvidia-smi --query-gpu=index,uuid,name,memory.total,memory.used,utilization.gpu
 * --format=csv,noheader,nounits`. Unreadable lines are skipped and named, never fatal.
 */
import type { GpuInfo } from './report';

export const NVIDIA_SMI_QUERY_ARGS = [
  '--query-gpu=index,uuid,name,memory.total,memory.used,utilization.gpu',
  '--format=csv,noheader,nounits',
];

export interface ParsedGpuList {
  gpus: GpuInfo[];
  /** Lines that were not a GPU row, as they appeared (trimmed, shortened). */
  skipped: string[];
}

export function parseNvidiaSmiCsv(text: string): ParsedGpuList {
  const gpus: GpuInfo[] = [];
  const skipped: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    const gpu = parseRow(line);
    if (!gpu || gpus.some((g) => g.index === gpu.index)) skipped.push(shorten(line));
    else gpus.push(gpu);
  }
  gpus.sort((a, b) => a.index - b.index);
  return { gpus, skipped };
}

function parseRow(line: string): GpuInfo | undefined {
  const fields = line.split(',').map((f) => f.trim());
  if (fields.length < 6 || !/^\d+$/.test(fields[0])) return undefined;
  // A name with a comma in it spreads over several fields; the numeric tail is fixed.
  const tail = fields.slice(-3);
  const name = fields.slice(2, -3).join(', ');
  if (name === '' || tail.some((f) => f !== '' && !isUnavailable(f) && number(f) === undefined)) return undefined;
  const gpu: GpuInfo = { index: Number(fields[0]), name };
  const uuid = fields[1];
  if (uuid !== '' && !isUnavailable(uuid)) gpu.uuid = uuid;
  const [total, used, utilization] = tail.map(number);
  if (total !== undefined) gpu.memoryTotalMiB = total;
  if (used !== undefined) gpu.memoryUsedMiB = used;
  if (utilization !== undefined) gpu.utilizationPct = utilization;
  return gpu;
}

/** `[N/A]`, `[Not Supported]`, `[Insufficient Permissions]`, `N/A`. */
function isUnavailable(field: string): boolean {
  return /^\[.*\]$/.test(field) || /^n\/a$/i.test(field);
}

/** Tolerates the units nvidia-smi prints when `nounits` is not honoured. */
function number(field: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(?:MiB|%)?$/.exec(field);
  return match ? Number(match[1]) : undefined;
}

function shorten(line: string): string {
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}
