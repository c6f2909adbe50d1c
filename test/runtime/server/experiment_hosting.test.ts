import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { ResponseError } from 'vscode-languageserver/node';
import { RuntimeRequests, type ExperimentSummary, type MetricPoint, type SpecErrorData, type StateSnapshot, type TrialSummary } from '../../../protocol/runtime_api';
import { alivePids } from '../cli_harness';
import { attach, spawnDaemon, tcpListeners, tinySpec, waitFor, workspace, type Client } from './daemon_harness';

function finished(client: Client, path: string): ExperimentSummary | undefined {
  return client.deltas.flatMap((d) => d.experiments).find((e) => e.path === path && e.state !== 'running');
}

function latestTrials(client: Client): Map<string, TrialSummary> {
  const latest = new Map<string, TrialSummary>();
  for (const d of client.deltas) for (const t of d.trials) latest.set(t.id, t);
  return latest;
}

describe('the runtime daemon hosting experiments', () => {
  it('runs an experiment for a client, streams its deltas to the end, then leaves when idle', async () => {
    const ws = workspace();
    const spec = join(ws.dir, 'tiny.tune.yaml');
    writeFileSync(spec, tinySpec('tiny', 5, 0.02));
    const daemon = spawnDaemon(['--socket', ws.socket, '--idle-exit-s', '1']);
    try {
      const client = await attach(ws.socket);
      const info = await client.rpc.sendRequest<{ pid: number; logFile: string; socketPath: string }>(RuntimeRequests.runtimeInfo.method, {});
      assert.equal(info.pid, daemon.child.pid);
      assert.equal(info.socketPath, ws.socket);
      assert.equal(statSync(ws.socket).mode & 0o777, 0o600);
      assert.deepEqual(tcpListeners(daemon.child.pid!), [], 'the daemon listens on no TCP port');

      const { experimentPath } = await client.rpc.sendRequest<{ experimentPath: string }>(RuntimeRequests.runExperiment.method, { specPath: spec });
      assert.equal(experimentPath, join(ws.dir, 'tunekit_results', 'tiny'));
      const summary = await waitFor(() => finished(client, experimentPath), 20_000, 'the experiment to finish');
      assert.equal(summary.state, 'finished');
      assert.equal(summary.live, false);
      assert.deepEqual(summary.counts, { PENDING: 0, RUNNING: 0, PAUSED: 0, TERMINATED: 3, ERROR: 0 });
      assert.equal(summary.totalTrials, 3);
      assert.ok(Math.abs(summary.best!.value - 0.02) < 1e-9, `best ${summary.best?.value}`);

      const trials = latestTrials(client);
      assert.equal(trials.size, 3);
      for (const t of trials.values()) {
        assert.equal(t.status, 'TERMINATED');
        assert.equal(t.iteration, 5);
        const streamed = client.deltas.flatMap((d) => d.points?.[`${experimentPath}\u0000${t.id}`] ?? []);
        assert.deepEqual(streamed.map((p) => p.iteration), [1, 2, 3, 4, 5], `points of ${t.id}`);
      }
      const first = [...trials.values()][0];
      const history = await client.rpc.sendRequest<{ points: MetricPoint[] }>(RuntimeRequests.trialHistory.method, { experimentPath, trialId: first.id });
      assert.deepEqual(history.points.map((p) => p.iteration), [1, 2, 3, 4, 5]);
      assert.ok(client.messages.some((m) => m.severity === 'info' && /tiny finished/.test(m.message)));

      // Continue the best trial from its last checkpoint to iteration 7; the others stay as they ended.
      const best = summary.best!.trialId;
      client.deltas.length = 0;
      await client.rpc.sendRequest(RuntimeRequests.extendTrial.method, { experimentPath, trialId: best, maxIterations: 7 });
      await waitFor(() => finished(client, experimentPath), 20_000, 'the extension to finish');
      const extended = latestTrials(client).get(best)!;
      assert.equal(extended.status, 'TERMINATED', extended.endReason);
      assert.equal(extended.iteration, 7);
      const extendedPoints = await client.rpc.sendRequest<{ points: MetricPoint[] }>(RuntimeRequests.trialHistory.method, { experimentPath, trialId: best });
      assert.deepEqual(extendedPoints.points.map((p) => p.iteration), [1, 2, 3, 4, 5, 6, 7]);

      await client.close();
      const closedAt = Date.now();
      assert.equal((await daemon.exited).code, 0);
      assert.ok(Date.now() - closedAt < 4000, 'it leaves soon after the idle time');
      assert.equal(existsSync(ws.socket), false, 'the socket is removed on exit');
      assert.match(readFileSync(info.logFile, 'utf8'), /idle for 1 s/);

      // A fresh runtime browses what the first one left on disk.
      const second = spawnDaemon(['--socket', ws.socket, '--idle-exit-s', '1']);
      const browser = await attach(ws.socket);
      const { found } = await browser.rpc.sendRequest<{ found: number }>(RuntimeRequests.scanResults.method, { folder: ws.dir });
      assert.equal(found, 1);
      const snap = await browser.rpc.sendRequest<StateSnapshot>(RuntimeRequests.snapshot.method, {});
      assert.equal(snap.experiments.length, 1);
      assert.equal(snap.experiments[0].state, 'finished');
      assert.equal(snap.experiments[0].live, false);
      assert.deepEqual(
        snap.trials.map((t) => [t.id === best, t.status, t.iteration]),
        snap.trials.map((t) => (t.id === best ? [true, 'TERMINATED', 7] : [false, 'TERMINATED', 5])),
      );
      assert.equal(snap.trials.length, 3);
      assert.deepEqual(snap.experiments[0].best?.trialId, best);
      await browser.close();
      assert.equal((await second.exited).code, 0);
    } finally {
      daemon.child.kill('SIGKILL');
      ws.cleanup();
    }
  });

  it('keeps an experiment running when its client disconnects, and shows it live to the next client', async () => {
    const ws = workspace();
    const spec = join(ws.dir, 'slow.tune.yaml');
    writeFileSync(spec, tinySpec('slow', 40, 0.1));
    const daemon = spawnDaemon(['--socket', ws.socket, '--idle-exit-s', '0.5']);
    try {
      const first = await attach(ws.socket);
      // A language client names its own process and ends with shutdown + exit; neither may end the runtime.
      const gone = spawnSync('true').pid;
      await first.rpc.sendRequest('initialize', { processId: gone, rootUri: null, capabilities: {} });
      const { experimentPath } = await first.rpc.sendRequest<{ experimentPath: string }>(RuntimeRequests.runExperiment.method, { specPath: spec });
      await first.rpc.sendRequest('shutdown');
      await first.rpc.sendNotification('exit');
      await first.close();
      await new Promise((r) => setTimeout(r, 3200));
      assert.deepEqual(alivePids([daemon.child.pid!]), [daemon.child.pid], 'the daemon outlives its only client while the experiment runs');

      const second = await attach(ws.socket);
      const snap = await second.rpc.sendRequest<StateSnapshot>(RuntimeRequests.snapshot.method, {});
      const live = snap.experiments.find((e) => e.path === experimentPath);
      assert.equal(live?.state, 'running');
      assert.equal(live?.live, true);
      assert.ok(snap.trials.some((t) => t.status === 'RUNNING' && t.pids.length === 1), 'running trials show their worker pid');
      assert.ok(snap.resources.cpu.used > 0);
      const done = await waitFor(() => finished(second, experimentPath), 20_000, 'the experiment to finish');
      assert.equal(done.state, 'finished');
      assert.equal(done.counts.TERMINATED, 3);
      await second.close();
      assert.equal((await daemon.exited).code, 0);
    } finally {
      daemon.child.kill('SIGKILL');
      ws.cleanup();
    }
  });

  it('shares one machine between two experiments: no GPU is handed out twice, and a release wakes the other', async () => {
    const ws = workspace();
    // Both claim the same simulated 2-GPU machine; every trial needs both GPUs.
    const gpuSpec = (name: string) =>
      tinySpec(name, 6, 0.05)
        .replace('resources_per_worker: {CPU: 0.5}', 'use_gpu: true, resources_per_worker: {CPU: 0, GPU: 2}')
        .replace('trainer:', 'resources: {CPU: 4, GPU: 2}\ntrainer:');
    writeFileSync(join(ws.dir, 'a.tune.yaml'), gpuSpec('a'));
    writeFileSync(join(ws.dir, 'b.tune.yaml'), gpuSpec('b'));
    const daemon = spawnDaemon(['--socket', ws.socket, '--idle-exit-s', '1']);
    try {
      const client = await attach(ws.socket);
      const [a, b] = await Promise.all(
        ['a', 'b'].map((n) => client.rpc.sendRequest<{ experimentPath: string }>(RuntimeRequests.runExperiment.method, { specPath: join(ws.dir, `${n}.tune.yaml`) })),
      );
      const waits = await waitFor(async () => {
        const snap = await client.rpc.sendRequest<StateSnapshot>(RuntimeRequests.snapshot.method, {});
        const held = snap.resources.gpus.flatMap((g) => g.holders);
        return held.length === 2 && snap.resources.waiting.length > 0 ? snap : undefined;
      }, 20_000, 'both experiments live, one trial holding both GPUs and others waiting');
      assert.equal(new Set(waits.resources.gpus.flatMap((g) => g.holders.map((h) => `${h.experimentPath}/${h.trialId}`))).size, 1, 'one trial holds both GPUs');
      for (const e of [a, b]) {
        const done = await waitFor(() => finished(client, e.experimentPath), 40_000, `${e.experimentPath} to finish`);
        assert.equal(done.state, 'finished', done.reason);
        assert.equal(done.counts.TERMINATED, 3);
      }
      // From both journals: the spans in which trials held the GPUs never overlap.
      const spans = [a, b].flatMap(({ experimentPath }) => {
        const events = readFileSync(join(experimentPath, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
        const started = new Map(events.filter((e) => e.type === 'trial_started').map((e) => [e.trial_id, e]));
        return events
          .filter((e) => e.type === 'trial_finished')
          .map((e) => ({ who: `${experimentPath}/${e.trial_id}`, from: started.get(e.trial_id).ts as number, to: e.ts as number, gpus: started.get(e.trial_id).grant.workers[0].gpus.map((g: { index: number }) => g.index) }));
      });
      assert.equal(spans.length, 6);
      spans.sort((x, y) => x.from - y.from);
      for (let i = 1; i < spans.length; i++) {
        assert.ok(spans[i].from >= spans[i - 1].to, `${spans[i].who} started before ${spans[i - 1].who} let go of GPUs ${spans[i - 1].gpus}`);
      }
      assert.ok(new Set(spans.map((s) => s.who.split('/').at(-2))).size === 2, 'both experiments ran trials');
      await client.close();
      assert.equal((await daemon.exited).code, 0);
    } finally {
      daemon.child.kill('SIGKILL');
      ws.cleanup();
    }
  });

  it('stops every experiment cleanly on SIGTERM, leaving it resumable, then exits', async () => {
    const ws = workspace();
    const spec = join(ws.dir, 'long.tune.yaml');
    writeFileSync(spec, tinySpec('long', 200, 0.05));
    const daemon = spawnDaemon(['--socket', ws.socket]);
    try {
      const client = await attach(ws.socket);
      const { experimentPath } = await client.rpc.sendRequest<{ experimentPath: string }>(RuntimeRequests.runExperiment.method, { specPath: spec });
      const pids = await waitFor(() => {
        const running = [...latestTrials(client).values()].filter((t) => t.status === 'RUNNING' && t.pids.length > 0);
        return running.length === 3 ? running.flatMap((t) => t.pids) : undefined;
      }, 15_000, 'three running trials');
      const victim = [...latestTrials(client).values()].find((t) => t.status === 'RUNNING')!;
      await client.rpc.sendRequest(RuntimeRequests.stopTrial.method, { experimentPath, trialId: victim.id });
      const stopped = await waitFor(() => {
        const t = latestTrials(client).get(victim.id);
        return t?.status === 'TERMINATED' ? t : undefined;
      }, 10_000, 'the stopped trial to end');
      assert.equal(stopped.endReason, 'stopped by the user');
      assert.equal(stopped.stoppedEarly, false);
      assert.equal([...latestTrials(client).values()].filter((t) => t.status === 'RUNNING').length, 2, 'the other trials go on');
      daemon.child.kill('SIGTERM');
      assert.equal((await daemon.exited).code, 0);
      assert.deepEqual(alivePids(pids), [], 'no worker is left behind');
      const journal = readFileSync(join(experimentPath, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      assert.deepEqual(journal[journal.length - 1], { ...journal[journal.length - 1], type: 'experiment_finished', status: 'stopped', reason: 'interrupted by SIGTERM' });
      assert.equal(existsSync(join(experimentPath, '.tunekit.lock')), false, 'the run lock is released');
      assert.equal(existsSync(ws.socket), false);
    } finally {
      daemon.child.kill('SIGKILL');
      ws.cleanup();
    }
  });

  it('answers a wrong spec with every problem and its place, and plans a good one', async () => {
    const ws = workspace();
    const bad = join(ws.dir, 'bad.tune.yaml');
    writeFileSync(bad, 'trainer:\n  command: [python3, worker.py]\ntune_config:\n  num_samples: 0\n  colour: red\n');
    const good = join(ws.dir, 'good.tune.yaml');
    writeFileSync(good, tinySpec('good', 1, 0));
    const daemon = spawnDaemon(['--socket', ws.socket, '--idle-exit-s', '1']);
    try {
      const client = await attach(ws.socket);
      const refusal = await client.rpc.sendRequest(RuntimeRequests.runExperiment.method, { specPath: bad }).then(
        () => assert.fail('a wrong spec must be refused'),
        (err: ResponseError<SpecErrorData>) => err,
      );
      assert.equal(refusal.code, -32602);
      assert.match(refusal.message, /^bad\.tune\.yaml line 4: tune_config\.num_samples must be at least 1, got 0 \(and 1 more\)\.$/);
      assert.deepEqual(refusal.data, {
        kind: 'spec',
        problems: [
          { file: bad, line: 4, column: 16, message: 'tune_config.num_samples must be at least 1, got 0' },
          { file: bad, line: 5, column: 3, message: refusal.data!.problems[1].message },
        ],
      });
      assert.match(refusal.data!.problems[1].message, /unknown key "colour"/);
      assert.equal(existsSync(join(ws.dir, 'tunekit_results')), false, 'nothing was started');

      const plan = await client.rpc.sendRequest<{ text: string }>(RuntimeRequests.planExperiment.method, { specPath: good });
      assert.match(plan.text, /^Machine: \d+ CPU/);
      assert.match(plan.text, /coordinated admission \(this spec\)/);
      const stopUnknown = await client.rpc.sendRequest(RuntimeRequests.stopExperiment.method, { experimentPath: join(ws.dir, 'nothing') }).then(
        () => undefined,
        (err: ResponseError) => err.message,
      );
      assert.match(stopUnknown ?? '', /is not running in this runtime/);
      await client.close();
      assert.equal((await daemon.exited).code, 0);
    } finally {
      daemon.child.kill('SIGKILL');
      ws.cleanup();
    }
  });
});
