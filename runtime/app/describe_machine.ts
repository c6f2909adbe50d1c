import { detectHardware } from '../hardware/detect';
import type { HardwareReport } from '../hardware/report';
import { formatValue } from '../../protocol/format';
import { renderTable } from './format';

export interface MachineDescription {
  report: HardwareReport;
  lines: string[];
}

/** What was detected, and how: `tunekit gpus` and the editor's Detect GPUs. */
export async function describeMachine(detect: () => Promise<HardwareReport> = () => detectHardware()): Promise<MachineDescription> {
  const report = await detect();
  const gib = (report.memory.totalBytes / 2 ** 30).toFixed(1);
  const lines = [`CPU: ${report.cpu.logical} logical${report.cpu.model ? ` (${report.cpu.model})` : ''}`, `Memory: ${gib} GiB`];
  if (report.gpus.length === 0) lines.push('GPUs: none schedulable');
  else {
    lines.push(`GPUs (from ${report.gpuSource}):`);
    const rows = report.gpus.map((g) => [
      String(g.index),
      g.name,
      g.memoryTotalMiB === undefined ? '?' : `${formatValue(g.memoryUsedMiB ?? 0)}/${formatValue(g.memoryTotalMiB)} MiB`,
      g.utilizationPct === undefined ? '?' : `${g.utilizationPct}%`,
      g.uuid ?? '',
    ]);
    lines.push(...renderTable(['index', 'name', 'memory', 'util', 'uuid'], rows).map((l) => `  ${l}`));
  }
  for (const g of report.otherGpus) lines.push(`Other adapter (not scheduled): ${g.vendor ? `${g.vendor} ` : ''}${g.name}`);
  for (const note of report.notes) lines.push(`note: ${note}`);
  return { report, lines };
}
