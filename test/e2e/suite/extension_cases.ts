/** Activation, registration, language features and lenses: the extension's surface. */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { test, waitFor } from './harness';
import { EXTENSION_ID, inWorkspace, lensTitles, tunekit } from './workspace';

test('the extension activates in a workspace with specs, costing well under 100 ms', async () => {
  const api = await tunekit();
  assert.ok(vscode.extensions.getExtension(EXTENSION_ID)?.isActive);
  console.log(`    activate(): ${api.activationMs.toFixed(1)} ms, ${api.activationCpuMs.toFixed(1)} ms of CPU`);
  // CPU time, not wall time: a 2-core CI machine also runs code-server and chromium.
  assert.ok(api.activationCpuMs < 50, `activate() used ${api.activationCpuMs.toFixed(1)} ms of CPU`);
});

test('it attaches to the runtime daemon and the status bar turns idle', async () => {
  const api = await tunekit();
  await waitFor('the runtime connection', () => api.connectionState() === 'connected', 30_000);
  const health = await waitFor('a health state', () => api.health());
  assert.match(health.text, /^Tunekit: (idle|\d+ running)/);
}, 40_000);

test('every contributed command is registered', async () => {
  const contributed: Array<{ command: string }> = vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON.contributes.commands ?? [];
  assert.ok(contributed.length >= 10);
  const registered = new Set(await vscode.commands.getCommands(true));
  const missing = contributed.map((c) => c.command).filter((id) => !registered.has(id));
  assert.deepEqual(missing, []);
});

test('a bad spec gets a diagnostic at the line of its mistake', async () => {
  const uri = inWorkspace('quickstart', 'bad.tune.yaml');
  const text = [
    'trainer:', //                         line 1
    '  command: [python3, train.py]', //   line 2
    'tune_config:', //                     line 3
    '  num_sample: 4', //                  line 4: typo
    '  metric: val_acc',
    '  mode: max',
    '',
  ].join('\n');
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
  await vscode.window.showTextDocument(uri);
  const diagnostics = await waitFor('diagnostics on bad.tune.yaml', () => {
    const found = vscode.languages.getDiagnostics(uri);
    return found.length ? found : undefined;
  });
  const typo = diagnostics.find((d) => /num_sample/.test(d.message));
  assert.ok(typo, `no diagnostic names num_sample: ${diagnostics.map((d) => d.message).join(' | ')}`);
  assert.equal(typo.range.start.line, 3);
  assert.equal(typo.severity, vscode.DiagnosticSeverity.Error);
  await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  await vscode.workspace.fs.delete(uri);
  await waitFor('the diagnostics to clear once the spec is closed', () => vscode.languages.getDiagnostics(uri).length === 0);
});

test('a spec has Run and Plan lenses', async () => {
  const uri = inWorkspace('quickstart', 'quickstart.tune.yaml');
  await vscode.window.showTextDocument(uri);
  const titles = await waitFor('lenses on the spec', async () => {
    const found = await lensTitles(uri);
    return found.length ? found : undefined;
  });
  assert.deepEqual(titles.slice(0, 2), ['▶ Run', 'Plan']);
  assert.ok(!titles.includes('Resume'), 'no results exist yet, so there is nothing to resume');
});

test('a training script that imports tunekit can be tuned with the spec that runs it', async () => {
  const uri = inWorkspace('quickstart', 'train.py');
  await vscode.window.showTextDocument(uri);
  const titles = await waitFor('lenses on train.py', async () => {
    const found = await lensTitles(uri);
    return found.length ? found : undefined;
  });
  assert.ok(titles.includes('▶ Tune with quickstart.tune.yaml'), titles.join(' | '));
  assert.ok(titles.includes('Create experiment…'));
  assert.ok(!titles.some((t) => t.includes('digits.tune.yaml')), 'digits-ddp runs its own train.py, not this one');
});

test('Plan opens the runtime\'s plan as a read-only document', async () => {
  const uri = inWorkspace('quickstart', 'quickstart.tune.yaml');
  const plan = await vscode.commands.executeCommand<{ text: string }>('tunekit.planExperiment', uri);
  assert.ok(plan && plan.text.length > 0);
  const shown = vscode.window.activeTextEditor?.document;
  assert.equal(shown?.uri.scheme, 'tunekit-text');
  assert.equal(shown?.getText(), plan.text);
  await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
});

test('Detect GPUs shows what the runtime found', async () => {
  const found = await vscode.commands.executeCommand<{ text: string; gpuCount: number }>('tunekit.detectGpus');
  assert.ok(found && typeof found.gpuCount === 'number' && found.text.length > 0);
  await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
});

test('Create experiment scaffolds a spec beside the script that runs it', async () => {
  const script = inWorkspace('digits-ddp', 'train.py');
  const created = await vscode.commands.executeCommand<string>('tunekit.createExperimentForScript', script);
  assert.equal(created, inWorkspace('digits-ddp', 'train.tune.yaml').fsPath);
  assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, created);
  const titles = await waitFor('the new spec to be offered on the script', async () => {
    const found = await lensTitles(script);
    return found.includes('▶ Tune with train.tune.yaml') ? found : undefined;
  });
  assert.ok(titles.includes('▶ Tune with digits.tune.yaml'));
  await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  await vscode.workspace.fs.delete(vscode.Uri.file(created));
});
