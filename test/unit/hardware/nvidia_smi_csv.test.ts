import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseNvidiaSmiCsv } from '../../../runtime/hardware/nvidia_smi_csv';

describe('reading nvidia-smi CSV', () => {
  it('reads rows with trailing spaces and CRLF line ends, sorted by index', () => {
    const text = '1, GPU-b, NVIDIA L4, 23034, 0, 0 \r\n0, GPU-a, NVIDIA L4, 23034, 512, 35  \r\n';
    assert.deepEqual(parseNvidiaSmiCsv(text), {
      gpus: [
        { index: 0, uuid: 'GPU-a', name: 'NVIDIA L4', memoryTotalMiB: 23034, memoryUsedMiB: 512, utilizationPct: 35 },
        { index: 1, uuid: 'GPU-b', name: 'NVIDIA L4', memoryTotalMiB: 23034, memoryUsedMiB: 0, utilizationPct: 0 },
      ],
      skipped: [],
    });
  });

  it('leaves [N/A] and [Not Supported] fields undefined rather than 0', () => {
    const { gpus } = parseNvidiaSmiCsv('0, [N/A], Tesla K80, [Not Supported], [N/A], N/A\n');
    assert.deepEqual(gpus, [{ index: 0, name: 'Tesla K80' }]);
  });

  it('keeps a GPU name that contains a comma whole', () => {
    const { gpus } = parseNvidiaSmiCsv('0, GPU-a, Quadro RTX 8000, Rev B, 49152, 10, 1\n');
    assert.equal(gpus[0].name, 'Quadro RTX 8000, Rev B');
    assert.equal(gpus[0].memoryTotalMiB, 49152);
  });

  it('accepts values printed with units when nounits is ignored', () => {
    const { gpus } = parseNvidiaSmiCsv('0, GPU-a, NVIDIA T4, 15360 MiB, 3 MiB, 0 %\n');
    assert.deepEqual([gpus[0].memoryTotalMiB, gpus[0].memoryUsedMiB, gpus[0].utilizationPct], [15360, 3, 0]);
  });

  it('skips blank lines silently and names lines that are not GPU rows', () => {
    const text = '\n\nNo devices were found\nindex, uuid, name, memory.total, memory.used, utilization.gpu\n' +
      '0, GPU-a, NVIDIA T4, lots, 3, 0\n0, GPU-a, NVIDIA T4, 15360, 3, 0\n0, GPU-dup, NVIDIA T4, 15360, 3, 0\n';
    const { gpus, skipped } = parseNvidiaSmiCsv(text);
    assert.deepEqual(gpus.map((g) => g.uuid), ['GPU-a']);
    assert.deepEqual(skipped, [
      'No devices were found',
      'index, uuid, name, memory.total, memory.used, utilization.gpu',
      '0, GPU-a, NVIDIA T4, lots, 3, 0',
      '0, GPU-dup, NVIDIA T4, 15360, 3, 0',
    ]);
  });
});
