import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type CodeAction,
  type CompletionItem,
  type Diagnostic,
  type Hover,
} from 'vscode-languageserver/node';
import { RuntimeRequests } from '../../../protocol/runtime_api';
import { SERVER, waitFor, workspace } from './daemon_harness';

interface Published {
  uri: string;
  version?: number;
  diagnostics: Diagnostic[];
}

describe('the runtime as a language server over stdio', () => {
  it('publishes diagnostics as a spec is edited, and answers completion, hover and the quick fix of a near miss', async () => {
    const ws = workspace();
    const logFile = join(ws.dir, 'runtime.log');
    const child = spawn(process.execPath, [SERVER, '--stdio', '--idle-exit-s', '0.2', '--log-file', logFile], { stdio: ['pipe', 'pipe', 'inherit'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const rpc = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
      const published: Published[] = [];
      rpc.onNotification('textDocument/publishDiagnostics', (p: Published) => published.push(p));
      rpc.listen();
      const init = await rpc.sendRequest<{ capabilities: Record<string, unknown> }>('initialize', { processId: null, rootUri: null, capabilities: {} });
      assert.equal(init.capabilities.hoverProvider, true);
      assert.ok(init.capabilities.completionProvider);
      assert.deepEqual(init.capabilities.codeActionProvider, { codeActionKinds: ['quickfix'] });
      await rpc.sendNotification('initialized', {});
      const info = await rpc.sendRequest<{ socketPath: string; pid: number; logFile: string }>(RuntimeRequests.runtimeInfo.method, {});
      assert.equal(info.socketPath, '');
      assert.equal(info.logFile, logFile);
      assert.equal(info.pid, child.pid);

      // A real folder: the editor checks working_dir and storage_path as `tunekit validate` does.
      const uri = pathToFileURL(join(ws.dir, 'bad.tune.yaml')).href;
      const bad = 'trainer:\n  command: [python3, train.py]\ntune_config:\n  mode: sideways\n  metric: loss\n';
      await rpc.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text: bad } });
      await rpc.sendNotification('textDocument/didOpen', { textDocument: { uri: 'file:///work/other.yaml', languageId: 'yaml', version: 1, text: 'mode: sideways\n' } });
      const first = await waitFor(() => published.find((p) => p.uri === uri), 5000, 'diagnostics of the spec');
      assert.equal(first.version, 1);
      assert.equal(first.diagnostics.length, 1);
      assert.match(first.diagnostics[0].message, /mode must be "min" or "max"/);
      assert.deepEqual(first.diagnostics[0].range, { start: { line: 3, character: 8 }, end: { line: 3, character: 16 } });
      assert.equal(first.diagnostics[0].source, 'tunekit');

      const fixed = 'trainer:\n  command: [python3, train.py]\ntune_config:\n  mode: max\n  metric: loss\n  \n';
      await rpc.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: fixed }] });
      const second = await waitFor(() => published.find((p) => p.uri === uri && p.version === 2), 5000, 'diagnostics of the fixed spec');
      assert.deepEqual(second.diagnostics, []);
      assert.equal(published.filter((p) => p.uri !== uri).length, 0, 'files that are not specs are left alone');

      const items = await rpc.sendRequest<CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position: { line: 5, character: 2 } });
      assert.ok(items.some((i) => i.label === 'scheduler'));
      assert.ok(!items.some((i) => i.label === 'mode'), 'keys already there are not offered');
      const hover = await rpc.sendRequest<Hover>('textDocument/hover', { textDocument: { uri }, position: { line: 4, character: 4 } });
      assert.match((hover.contents as { value: string }).value, /reported metric/);

      // "Did you mean" comes with its fix: the editor sends the diagnostic back and gets the edit.
      const typoUri = pathToFileURL(join(ws.dir, 'typo.tune.yaml')).href;
      const typo = 'trainer:\n  command: [python3, train.py]\ntune_config:\n  metirc: loss\n';
      await rpc.sendNotification('textDocument/didOpen', { textDocument: { uri: typoUri, languageId: 'yaml', version: 1, text: typo } });
      const typoDiagnostics = (await waitFor(() => published.find((p) => p.uri === typoUri), 5000, 'diagnostics of the typo')).diagnostics;
      assert.equal(typoDiagnostics.length, 1);
      const actions = await rpc.sendRequest<CodeAction[]>('textDocument/codeAction', {
        textDocument: { uri: typoUri },
        range: typoDiagnostics[0].range,
        context: { diagnostics: typoDiagnostics, only: ['quickfix'] },
      });
      assert.equal(actions.length, 1);
      assert.equal(actions[0].kind, 'quickfix');
      assert.deepEqual(actions[0].edit?.changes?.[typoUri], [{ range: { start: { line: 3, character: 2 }, end: { line: 3, character: 8 } }, newText: 'metric' }]);
      await rpc.sendNotification('textDocument/didClose', { textDocument: { uri: typoUri } });

      await rpc.sendNotification('textDocument/didClose', { textDocument: { uri } });
      await waitFor(() => (published[published.length - 1].uri === uri && published[published.length - 1].diagnostics.length === 0 ? true : undefined), 2000, 'cleared diagnostics');
      child.stdin!.end();
      assert.equal(await exited, 0, 'with its only client gone and nothing running, it leaves');
      assert.match(readFileSync(logFile, 'utf8'), /a client detached/);
    } finally {
      child.kill('SIGKILL');
      ws.cleanup();
    }
  });
});
