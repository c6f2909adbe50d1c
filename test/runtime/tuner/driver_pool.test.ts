import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { DriverToTuner, TrialLaunch } from '../../../protocol/driver';
import { DriverPool, type DriverSlot } from '../../../runtime/tuner/driver_pool';
import type { DriverHandle } from '../../../runtime/tuner/trial_launcher';
import { pythonClientDir } from '../../../runtime/tuner/worker_command';
import { alivePids } from '../cli_harness';

/** Reports `n` results, then waits to be stopped (so a test decides when its trial ends). */
const WORKER = `
import os, sys, time, tunekit
for i in range(int(sys.argv[1])):
    tunekit.report({"i": i, "worker": os.getpid()})
if sys.argv[2] == "hold":
    time.sleep(60)
`;

interface Seen {
  results: Map<string, Array<Record<string, unknown>>>;
  ended: Map<string, string>;
  exits: DriverHandle[];
}

function harness(dir: string) {
  const seen: Seen = { results: new Map(), ended: new Map(), exits: [] };
  const onMessage = (driver: DriverHandle, msg: DriverToTuner) => {
    if (msg.type === 'result') {
      const rows = seen.results.get(msg.trialId) ?? [];
      rows.push(msg.metrics ?? {});
      seen.results.set(msg.trialId, rows);
      driver.send({ type: 'result_ack', trialId: msg.trialId, id: msg.id, checkpointDirName: null, stop: false });
    }
    if (msg.type === 'ended') seen.ended.set(msg.trialId, msg.exit.status);
  };
  const pool = new DriverPool(onMessage, (driver) => seen.exits.push(driver), 8);
  const sockets = mkdtempSync(join(dir, 's'));
  const launch = (trialId: string, reports: number, then: 'hold' | 'exit'): TrialLaunch => {
    const trialDir = join(dir, trialId);
    mkdirSync(trialDir, { recursive: true });
    return {
      trialId,
      trialName: trialId,
      experimentPath: dir,
      trialDir,
      command: ['/usr/bin/python3', '-c', WORKER, String(reports), then],
      cwd: dir,
      env: { PYTHONPATH: pythonClientDir() },
      config: {},
      grant: { trainable: { CPU: 0, gpus: [] }, workers: [{ CPU: 1, gpus: [] }] },
      checkpoint: null,
      reportSocket: join(sockets, `${trialId}.sock`),
      reportToken: 'secret-token',
      stopGraceS: 1,
      startupTimeoutS: 0,
      reportTimeoutS: 0,
      warmStart: { enabled: false, imports: [] },
    };
  };
  return { seen, pool, launch };
}

async function until(what: string, ok: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the local driver pool', () => {
  it('hosts sixteen concurrent trials in two driver processes, and their reports reach the Tuner’s process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tunekit-pool-'));
    const { seen, pool, launch } = harness(dir);
    try {
      const slots: DriverSlot[] = [];
      for (let i = 0; i < 16; i++) slots.push(await pool.acquire());
      assert.equal(pool.processCount, 2, 'eight trials per driver process');
      assert.equal(new Set(slots.map((s) => s.pid)).size, 2);
      slots.forEach((slot, i) => slot.send({ type: 'launch', launch: launch(`t${i}`, 3, 'exit') }));
      await until('every trial to end', () => seen.ended.size === 16);
      for (let i = 0; i < 16; i++) {
        assert.equal(seen.ended.get(`t${i}`), 'TERMINATED');
        assert.deepEqual(
          seen.results.get(`t${i}`)?.map((r) => r.i),
          [0, 1, 2],
          `t${i}: every report once, in order`,
        );
      }
      // A released slot's place is taken by the next trial: still two processes.
      slots.forEach((s) => pool.release(s));
      const again = await pool.acquire();
      assert.ok(slots.some((s) => s.pid === again.pid));
      assert.equal(pool.processCount, 2);
    } finally {
      await pool.shutdown();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a driver process that dies ends the trials it hosted, and only those, and takes their workers with it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tunekit-pool-'));
    const { seen, pool, launch } = harness(dir);
    try {
      const slots: DriverSlot[] = [];
      for (let i = 0; i < 10; i++) slots.push(await pool.acquire());
      slots.forEach((slot, i) => slot.send({ type: 'launch', launch: launch(`t${i}`, 1, 'hold') }));
      await until('a result from every trial', () => seen.results.size === 10);
      const victim = slots[0].pid;
      process.kill(victim, 'SIGKILL');
      await until('the dead driver’s trials to hear of it', () => seen.exits.length === 8);
      assert.ok(seen.exits.every((d) => d.pid === victim));
      assert.ok(slots.filter((s) => s.pid !== victim).every((s) => s.alive), 'the other process and its trials run on');
      // Each worker's parent-death signal ends it with its driver.
      const deadline = Date.now() + 5000;
      const victims = slots.flatMap((s, i) => (s.pid === victim ? [seen.results.get(`t${i}`)![0].worker as number] : []));
      assert.equal(victims.length, 8);
      while (alivePids(victims).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(alivePids(victims), []);
    } finally {
      await pool.shutdown();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
