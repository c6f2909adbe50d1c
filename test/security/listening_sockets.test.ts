/**
 * While experiments run, nothing of ours accepts connections from the network: the runtime
 * daemon, the CLI, the Trainer drivers and the workers listen on loopback or Unix sockets
 * only, and the Unix sockets live in folders only their user can enter.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { RuntimeRequests } from '../../protocol/runtime_api';
import { runCli, scratchDir } from '../runtime/cli_harness';
import { journal, liveWorkerPids } from '../runtime/faults/fault_harness';
import { attach, spawnDaemon, waitFor, workspace } from '../runtime/server/daemon_harness';
import { decodeAddress, environOf, isLoopback, listeners, processTree, type Listener } from './process_sockets';

/** Rank 0 opens the rendezvous listener on MASTER_ADDR:MASTER_PORT, as torch's TCPStore would; all ranks report for a while. */
const RENDEZVOUS_WORKER = `
import os, socket, time, tunekit
if os.environ["RANK"] == "0":
    store = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    store.bind((os.environ["MASTER_ADDR"], int(os.environ["MASTER_PORT"])))
    store.listen()
for i in range(40):
    time.sleep(0.1)
    tunekit.report({"i": i})
`;

const TORCH_WORKER = `
import datetime, time, torch, torch.distributed as dist, tunekit
dist.init_process_group("gloo", timeout=datetime.timedelta(seconds=60))
for i in range(30):
    t = torch.ones(1)
    dist.all_reduce(t)
    time.sleep(0.1)
    tunekit.report({"i": i, "sum": t.item()})
dist.destroy_process_group()
`;

function spec(name: string, workers: number): string {
  return `
trainer:
  command: [python3, worker.py]
  scaling_config: {num_workers: ${workers}, trainer_resources: {CPU: 0}, resources_per_worker: {CPU: 0.5}}
param_space:
  train_loop_config: {x: {grid_search: [1, 2]}}
tune_config: {max_concurrent_trials: 2}
run_config: {name: ${name}}
`;
}

function describeAll(found: Listener[]): string {
  return found.map((l) => `${l.proto} ${l.address}:${l.port} (pid ${l.pid})`).join(', ');
}

function torchMissing(): string | undefined {
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import torch.distributed'], { encoding: 'utf8' });
  return probe.status === 0 ? undefined : '/usr/bin/python3 cannot import torch (apt-get install python3-torch)';
}

describe('listening sockets while experiments run', () => {
  it('the /proc/net address reader tells loopback from wildcard addresses', () => {
    assert.equal(decodeAddress('0100007F'), '127.0.0.1');
    assert.equal(decodeAddress('00000000'), '0.0.0.0');
    assert.equal(decodeAddress('00000000000000000000000001000000'), '::1');
    assert.equal(decodeAddress('00000000000000000000000000000000'), '::');
    assert.equal(decodeAddress('0000000000000000FFFF00000100007F'), '::ffff:127.0.0.1');
    assert.ok(isLoopback('127.0.0.1') && isLoopback('::1') && isLoopback('::ffff:127.0.0.1'));
    assert.ok(!isLoopback('0.0.0.0') && !isLoopback('::') && !isLoopback('10.0.0.2'));
  });

  it('under the runtime daemon, the daemon, drivers and workers listen on loopback only, from private folders', async () => {
    const ws = workspace();
    writeFileSync(join(ws.dir, 'worker.py'), RENDEZVOUS_WORKER);
    writeFileSync(join(ws.dir, 'net.tune.yaml'), spec('net', 2));
    const daemon = spawnDaemon(['--socket', ws.socket, '--idle-exit-s', '1']);
    try {
      const client = await attach(ws.socket);
      const { experimentPath } = await client.rpc.sendRequest<{ experimentPath: string }>(RuntimeRequests.runExperiment.method, { specPath: join(ws.dir, 'net.tune.yaml') });
      const workers = await waitFor(() => {
        const pids = liveWorkerPids(experimentPath);
        return pids.length === 4 ? pids : undefined;
      }, 20_000, 'both trials to start their two workers');
      const masterPorts = journal(experimentPath).filter((e) => e.type === 'trial_started').map((e) => e.master_port as number);
      const found = await waitFor(() => {
        const all = listeners(processTree(daemon.child.pid!));
        return masterPorts.every((port) => all.some((l) => l.port === port)) ? all : undefined;
      }, 10_000, 'rank 0 of both trials to listen on its MASTER_PORT');
      assert.deepEqual(found.filter((l) => !isLoopback(l.address)), [], `listeners beyond loopback: ${describeAll(found)}`);

      assert.equal(statSync(ws.socketDir).mode & 0o777, 0o700, 'the daemon’s socket folder is private');
      assert.equal(statSync(ws.socket).mode & 0o777, 0o600);
      for (const pid of workers) {
        const env = environOf(pid);
        assert.equal(env.MASTER_ADDR, '127.0.0.1');
        assert.equal(statSync(dirname(env.TUNEKIT_REPORT_SOCKET)).mode & 0o777, 0o700, 'the report sockets’ folder is private');
        assert.equal(statSync(env.TUNEKIT_REPORT_SOCKET).mode & 0o777, 0o600);
      }
      await client.rpc.sendRequest(RuntimeRequests.stopExperiment.method, { experimentPath }).catch(() => undefined); // it may have finished
      await client.close();
      await daemon.exited;
    } finally {
      daemon.child.kill('SIGKILL');
      ws.cleanup();
    }
  });

  it('the daemon refuses to serve from a socket folder other users can enter', async () => {
    const ws = workspace();
    chmodSync(ws.socketDir, 0o755);
    const daemon = spawnDaemon(['--socket', ws.socket]);
    try {
      const exit = await daemon.exited;
      assert.equal(exit.code, 2);
      assert.match(daemon.stderr(), /mode 0755; it must be 0700/);
    } finally {
      daemon.child.kill('SIGKILL');
      ws.cleanup();
    }
  });

  const missing = torchMissing();
  it('with PyTorch DDP (gloo) under the CLI, only torch’s own rendezvous store listens beyond loopback, on MASTER_PORT', { skip: missing }, async () => {
    const { dir, cleanup } = scratchDir({ 'worker.py': TORCH_WORKER, 'ddp.tune.yaml': spec('ddp', 2) });
    let cliPid = 0;
    try {
      const running = runCli(['run', join(dir, 'ddp.tune.yaml'), '--json'], {
        env: { TUNEKIT_PYTHON: '/usr/bin/python3' },
        timeoutMs: 120_000,
        onSpawn: (pid) => (cliPid = pid),
      });
      const experimentPath = join(dir, 'tunekit_results', 'ddp');
      const found = await waitFor(() => {
        const started = journal(experimentPath).filter((e) => e.type === 'trial_started');
        if (started.length === 0) return undefined;
        const all = listeners(processTree(cliPid));
        return all.some((l) => l.port === started[0].master_port) ? { all, ports: started.map((e) => e.master_port as number) } : undefined;
      }, 60_000, 'a DDP trial’s rendezvous store to listen');
      // torch's TCPStore binds every interface whatever MASTER_ADDR says (README: "Security").
      // A trial's store can listen before its trial_started is in the journal (a warm worker
      // starts in milliseconds), so a listener is also the store when the port is its own
      // process's MASTER_PORT.
      const ownMasterPort = (l: Listener) => {
        try {
          return environOf(l.pid).MASTER_PORT === String(l.port);
        } catch {
          return false; // gone since the listing
        }
      };
      const beyond = found.all.filter((l) => !isLoopback(l.address) && !(l.proto.startsWith('tcp') && (found.ports.includes(l.port) || ownMasterPort(l))));
      assert.deepEqual(beyond, [], `listeners beyond loopback besides torch's store: ${describeAll(found.all)}`);
      const run = await running;
      assert.equal(run.code, 0, run.stderr);
    } finally {
      cleanup();
    }
  });
});
