import { detectHardware } from '../../hardware/detect';
import type { ParsedArgs } from '../args';
import { formatValue, renderTable } from '../format';

/** `tunekit gpus [--json]`: what was detected, and how. */
export async function gpusCommand(args: ParsedArgs, out: NodeJS.WriteStream): Promise<number> {
  const report = await detectHardware();
  if (args.flags.has('json')) {
    out.write(JSON.stringify(report, null, 2) + '\n');
    return 0;
  }
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
  out.write(lines.join('\n') + '\n');
  return 0;
}
