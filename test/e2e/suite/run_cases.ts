/** A real run from the command: its trials reach the store and the tree, and it ends. */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { test, waitFor } from './harness';
import { inWorkspace, lensTitles, screenshot, tunekit } from './workspace';

test('the quickstart runs from the command, shows its trials in the tree, and finishes', async () => {
  const api = await tunekit();
  const spec = inWorkspace('quickstart', 'quickstart.tune.yaml');
  const started = await vscode.commands.executeCommand<{ experimentPath: string }>('tunekit.runExperiment', spec);
  assert.ok(started?.experimentPath, 'runExperiment returned no experiment path');
  const path = started.experimentPath;

  const running = await waitFor('trials in the store', () => (api.store.trialsOf(path).length > 0 ? api.store.trialsOf(path) : undefined));
  assert.ok(running.length > 0);
  const root = await waitFor('the experiment in the tree', () => api.experimentRows().find((r) => r.node.experimentPath === path));
  assert.equal(root.item.label, 'quickstart');

  const done = await waitFor('the experiment to finish', () => {
    const e = api.store.experiment(path);
    return e && e.state !== 'running' ? e : undefined;
  }, 90_000);
  assert.equal(done.state, 'finished');
  assert.equal(done.counts.TERMINATED, 8);
  assert.equal(done.metric, 'val_acc');

  const trials = api.store.trialsOf(path);
  assert.equal(trials.length, 8);
  assert.ok(trials.every((t) => t.status === 'TERMINATED' && t.iteration === 12), trials.map((t) => `${t.id} ${t.status} ${t.iteration}`).join(', '));

  const finishedRoot = api.experimentRows().find((r) => r.node.experimentPath === path);
  assert.match(finishedRoot?.item.description ?? '', /^8\/8 done · best val_acc [\d.]+ \(last result\) · \d+/);
  assert.equal(finishedRoot?.item.contextValue, 'experiment.finished');
  const rows = api.experimentRows(finishedRoot!.node);
  assert.equal(rows.length, 8);
  assert.ok(rows.every((r) => r.item.contextValue === 'trial.finished' && r.item.icon?.id === 'pass'));
  const sections = api.experimentRows(rows[0].node).map((r) => r.item.label);
  assert.deepEqual(sections.slice(0, 2), ['Config', 'Last metrics']);
  assert.equal(api.health()?.text, 'Tunekit: idle');
}, 120_000);

test('a long run shows in the status bar while it runs, and stops only when asked', async () => {
  const api = await tunekit();
  const spec = inWorkspace('quickstart', 'long.tune.yaml');
  const text = [
    'trainer:',
    '  command: [python3, train.py]',
    '  train_loop_config: {epochs: 100000}',
    '  scaling_config: {num_workers: 1, resources_per_worker: {CPU: 1}, trainer_resources: {CPU: 0}}',
    'param_space:',
    '  train_loop_config: {lr: {grid_search: [0.01, 0.1]}}',
    'tune_config: {num_samples: 1, metric: val_acc, mode: max}',
    '',
  ].join('\n');
  await vscode.workspace.fs.writeFile(spec, new TextEncoder().encode(text));
  const started = await vscode.commands.executeCommand<{ experimentPath: string }>('tunekit.runExperiment', spec);
  assert.ok(started?.experimentPath);
  const path = started.experimentPath;
  await waitFor('both trials to report', () => api.store.trialsOf(path).filter((t) => t.status === 'RUNNING' && t.iteration >= 2).length === 2);
  const row = api.experimentRows().find((r) => r.node.experimentPath === path);
  assert.equal(row?.item.contextValue, 'experiment.running');
  await waitFor('the status bar to count them', () => api.health()?.text === 'Tunekit: 2 running');
  assert.ok((await lensTitles(spec)).includes('■ Stop'));

  await vscode.commands.executeCommand('tunekit.stopExperiment', path);
  const stopped = await waitFor('the experiment to stop', () => {
    const e = api.store.experiment(path);
    return e && !e.live ? e : undefined;
  });
  assert.equal(stopped.state, 'stopped');
  assert.equal(api.experimentRows().find((r) => r.node.experimentPath === path)?.item.contextValue, 'experiment.resumable');
  await waitFor('the status bar to go idle', () => api.health()?.text === 'Tunekit: idle');
}, 60_000);

test('once its experiment finished, the spec offers its dashboard, not a Resume that would do nothing', async () => {
  const spec = inWorkspace('quickstart', 'quickstart.tune.yaml');
  const titles = await waitFor('an Open Dashboard lens', async () => {
    const found = await lensTitles(spec);
    return found.includes('Open Dashboard') ? found : undefined;
  });
  assert.deepEqual(titles, ['▶ Run', 'Plan', 'Open Dashboard']);
});

test('Run on a finished experiment offers its results instead of resuming it, so its elapsed time stays', async () => {
  const api = await tunekit();
  const spec = inWorkspace('quickstart', 'quickstart.tune.yaml');
  const before = api.store.experiments().find((e) => e.specPath === spec.fsPath && e.state === 'finished');
  assert.ok(before, 'the quickstart finished earlier in this suite');
  assert.equal(await vscode.commands.executeCommand('tunekit.runExperiment', spec), undefined, 'nothing was started');
  await new Promise((r) => setTimeout(r, 2000));
  const after = api.store.experiment(before.path)!;
  assert.deepEqual([after.state, after.live, after.endedAt, after.startedAt], ['finished', false, before.endedAt, before.startedAt]);
});

test('the runtime reports the machine\'s CPUs for the Resources view', async () => {
  const api = await tunekit();
  assert.ok(api.store.resources().cpu.total > 0);
});

test('the Tunekit views, the lenses and the status bar show the finished run', async () => {
  await vscode.window.showTextDocument(inWorkspace('quickstart', 'quickstart.tune.yaml'));
  await vscode.commands.executeCommand('tunekitExperiments.focus');
  const api = await tunekit();
  assert.ok(api.experimentRows().length > 0);
  // Only the picture needs this: the editor redraws lenses after a debounce.
  await new Promise((r) => setTimeout(r, 1500));
  await screenshot('tunekit-views');
});

test('a runtime killed under the window is started again and the views reattach', async () => {
  const api = await tunekit();
  const before = await api.runtimeInfo();
  process.kill(before.pid, 'SIGKILL');
  const after = await waitFor('a new runtime', async () => {
    const info = await api.runtimeInfo().catch(() => undefined);
    return info && info.pid !== before.pid ? info : undefined;
  }, 30_000);
  assert.notEqual(after.pid, before.pid);
  await waitFor('the connection to settle', () => api.connectionState() === 'connected');
  const again = await waitFor('the finished quickstart, browsed from disk', () => api.store.experiments().find((e) => e.name === 'quickstart'));
  assert.equal(again.live, false);
  assert.equal(api.health()?.severity, 'ok');
}, 40_000);
