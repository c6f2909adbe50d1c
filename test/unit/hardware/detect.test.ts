import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { detectHardware, type SystemInfoSource } from '../../../runtime/hardware/detect';
import { queryGpuUtilization } from '../../../runtime/hardware/nvidia_smi';

// Compiled to out/test/unit/hardware; the fixtures stay in the source tree.
const fixtures = resolve(__dirname, '../../../../test/fixtures/nvidia-smi');

function envWith(fake: string): NodeJS.ProcessEnv {
  return { PATH: `${join(fixtures, fake)}:/usr/bin:/bin` };
}

/** Live (non-zombie) members of a process group; a zombie waits only for its reaper, not for us. */
function liveMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') members.push(Number(entry));
    } catch {
      // Exited meanwhile.
    }
  }
  return members;
}

async function groupGone(pgid: number, withinMs: number): Promise<boolean> {
  for (const deadline = Date.now() + withinMs; Date.now() < deadline; ) {
    if (liveMembers(pgid).length === 0) return true;
    await new Promise((done) => setTimeout(done, 50));
  }
  return false;
}

const quietSystem: SystemInfoSource = {
  cpu: async () => ({ manufacturer: 'Acme', brand: 'Cruncher 9000', cores: 12 }),
  mem: async () => ({ total: 64 * 2 ** 30 }),
  graphics: async () => ({ controllers: [] }),
};

describe('detecting NVIDIA GPUs with nvidia-smi', () => {
  it('reports two GPUs with every field, and CPUs and memory from systeminformation', async () => {
    const report = await detectHardware({ env: envWith('two-gpus') });
    assert.equal(report.gpuSource, 'nvidia-smi');
    assert.deepEqual(report.gpus[1], {
      index: 1,
      uuid: 'GPU-8d9e0f1a-2b3c-4d5e-8f7a-9b0c1d2e3f4a',
      name: 'NVIDIA GeForce RTX 3090',
      memoryTotalMiB: 24576,
      memoryUsedMiB: 0,
      utilizationPct: 0,
    });
    assert.equal(report.gpus[0].memoryUsedMiB, 1021);
    assert.deepEqual(report.notes, ['2 NVIDIA GPUs found']);
    assert.ok(report.cpu.logical >= 1);
    assert.ok(report.memory.totalBytes > 0);
  });

  it('reports eight GPUs by index', async () => {
    const report = await detectHardware({ env: envWith('eight-gpus'), systemInfo: quietSystem });
    assert.deepEqual(report.gpus.map((g) => g.index), [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.equal(report.gpus[7].utilizationPct, 70);
    assert.deepEqual(report.notes, ['8 NVIDIA GPUs found']);
  });

  it('reports no GPU, with nvidia-smi’s own words, when it finds no devices', async () => {
    const report = await detectHardware({ env: envWith('no-devices'), systemInfo: quietSystem });
    assert.deepEqual(report.gpus, []);
    assert.equal(report.gpuSource, 'none');
    assert.deepEqual(report.notes, ['nvidia-smi exited with code 6: No devices were found']);
  });

  it('leaves unavailable fields undefined and names the line it could not read', async () => {
    const report = await detectHardware({ env: envWith('not-available-fields'), systemInfo: quietSystem });
    assert.deepEqual(report.gpus, [
      { index: 0, uuid: 'GPU-11111111-2222-3333-4444-555555555555', name: 'NVIDIA A100-SXM4-40GB', memoryTotalMiB: 40960 },
      { index: 1, name: 'Tesla K80' },
    ]);
    assert.equal(report.notes[0], '2 NVIDIA GPUs found');
    assert.match(report.notes[1], /^ignored an nvidia-smi line that is not a GPU row: "MIG 1g\.5gb/);
  });

  it('says why when nvidia-smi cannot talk to the driver', async () => {
    const report = await detectHardware({ env: envWith('driver-failure'), systemInfo: quietSystem });
    assert.deepEqual(report.gpus, []);
    assert.deepEqual(report.notes, [
      "nvidia-smi exited with code 9: NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA " +
        'driver. Make sure that the latest NVIDIA driver is installed and running.',
    ]);
  });

  it('stops an nvidia-smi that hangs, and its children, at the deadline', async () => {
    const pidFile = join(mkdtempSync(join(os.tmpdir(), 'tunekit-smi-')), 'pid');
    const started = Date.now();
    const report = await detectHardware({
      env: { ...envWith('hangs'), FAKE_NVIDIA_SMI_PIDFILE: pidFile },
      systemInfo: quietSystem,
      timeoutMs: 300,
    });
    assert.ok(Date.now() - started < 3000, 'detection waited for the hung script');
    assert.deepEqual(report.gpus, []);
    assert.deepEqual(report.notes, ['nvidia-smi did not answer within 300 ms and was stopped']);
    const group = Number(readFileSync(pidFile, 'utf8'));
    assert.ok(await groupGone(group, 2000), `process group ${group} (the script and its sleep) still alive`);
  });

  it('reports no GPU when nvidia-smi prints garbage', async () => {
    const report = await detectHardware({ env: envWith('garbage'), systemInfo: quietSystem });
    assert.deepEqual(report.gpus, []);
    assert.equal(report.gpuSource, 'none');
    assert.equal(report.notes[0], 'nvidia-smi output could not be read as a GPU list');
    assert.equal(report.notes.length, 4);
  });

  it('serves the live utilization refresh from the same query', async () => {
    const gpus = await queryGpuUtilization({ env: envWith('eight-gpus') });
    assert.deepEqual(gpus.map((g) => g.utilizationPct), [0, 10, 20, 30, 40, 50, 60, 70]);
    assert.deepEqual(await queryGpuUtilization({ env: envWith('driver-failure') }), []);
  });
});

describe('detecting without nvidia-smi', () => {
  const nowhere: NodeJS.ProcessEnv = { PATH: join(fixtures, 'no-such-dir') };

  it('says nvidia-smi is not on PATH and reports other adapters as not scheduled', async () => {
    const report = await detectHardware({
      env: nowhere,
      systemInfo: {
        ...quietSystem,
        graphics: async () => ({ controllers: [{ vendor: 'Intel Corporation', model: 'UHD Graphics 630', vram: 1536 }] }),
      },
    });
    assert.equal(report.gpuSource, 'systeminformation');
    assert.deepEqual(report.gpus, []);
    assert.deepEqual(report.otherGpus, [{ vendor: 'Intel Corporation', name: 'UHD Graphics 630', memoryTotalMiB: 1536 }]);
    assert.deepEqual(report.notes, ['nvidia-smi not found on PATH', 'not scheduled (not NVIDIA): UHD Graphics 630']);
    assert.deepEqual(report.cpu, { logical: 12, model: 'Acme Cruncher 9000' });
    assert.equal(report.memory.totalBytes, 64 * 2 ** 30);
  });

  it('schedules NVIDIA adapters that systeminformation sees even without nvidia-smi', async () => {
    const report = await detectHardware({
      env: nowhere,
      systemInfo: { ...quietSystem, graphics: async () => ({ controllers: [{ vendor: 'NVIDIA', model: 'Tesla T4', vram: null }] }) },
    });
    assert.deepEqual(report.gpus, [{ index: 0, name: 'Tesla T4', memoryTotalMiB: undefined }]);
  });

  it('falls back to os for CPUs and memory, and never throws, when systeminformation fails', async () => {
    const broken: SystemInfoSource = {
      cpu: async () => {
        throw new Error('no /proc/cpuinfo');
      },
      mem: () => new Promise(() => undefined),
      graphics: async () => {
        throw new Error('lspci exploded');
      },
    };
    const report = await detectHardware({ env: nowhere, systemInfo: broken, timeoutMs: 200 });
    assert.equal(report.cpu.logical, os.cpus().length);
    assert.equal(report.memory.totalBytes, os.totalmem());
    assert.equal(report.gpuSource, 'none');
    assert.deepEqual(report.notes, [
      'CPU count from os.cpus(): systeminformation failed: no /proc/cpuinfo',
      'memory from os.totalmem(): systeminformation did not answer within 200 ms',
      'nvidia-smi not found on PATH',
      'display adapters unknown: systeminformation failed: lspci exploded',
    ]);
  });
});
