/**
 * One attached client (a VS Code window, or a test): an LSP connection over a socket or
 * stdio, with the spec language features and the Tunekit requests, fed the host's deltas.
 *
 * Built on the library's common connection with our own watchdog: the node entry's exits the
 * whole process when the client sends `exit` or its process dies, and that would end every
 * experiment with the window, which is exactly what this daemon exists to avoid.
 */
import { createConnection, type WatchDog } from 'vscode-languageserver/lib/common/server';
import {
  CodeActionKind,
  createProtocolConnection,
  ErrorCodes,
  ResponseError,
  StreamMessageReader,
  StreamMessageWriter,
  TextDocumentSyncKind,
} from 'vscode-languageserver/node';
import { RuntimeNotifications, RuntimeRequests, type NotificationType, type RequestType, type StateDelta, type UserMessage } from '../../protocol/runtime_api';
import type { ExperimentHost } from './experiment_host';
import { userErrorReply } from './error_reply';
import type { RuntimeLog } from './runtime_log';
import { fileOfUri, SpecDocuments } from './spec_documents';
import { flavourOf, offsetAt, specCompletions, specHover, specQuickFixes } from './spec_language';

export interface RuntimeInfo {
  pid: number;
  logFile: string;
  socketPath: string;
  version: string;
}

export interface SessionOptions {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  host: ExperimentHost;
  info: RuntimeInfo;
  log: RuntimeLog;
  /** The client went away (closed, crashed, or said `exit`). */
  onEnd: () => void;
  /** Ends the transport, for the client's `exit`. */
  close: () => void;
}

export function openClientSession(options: SessionOptions): void {
  const { host, log } = options;
  const watchDog: WatchDog = {
    shutdownReceived: false,
    initialize: () => undefined,
    exit: () => options.close(),
  };
  const connection = createConnection(
    (logger) => createProtocolConnection(new StreamMessageReader(options.input), new StreamMessageWriter(options.output), logger),
    watchDog,
  );
  const documents = new SpecDocuments(
    (uri, diagnostics, version) => void connection.sendDiagnostics({ uri, diagnostics, version }),
    undefined,
    () => host.resources.report(),
  );

  connection.onInitialize(() => ({
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Full },
      completionProvider: { triggerCharacters: [' ', '{', ',', '"'] },
      hoverProvider: true,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
    },
    serverInfo: { name: 'tunekit', version: options.info.version },
  }));
  connection.onDidOpenTextDocument(({ textDocument: d }) => documents.update(d.uri, d.text, d.version));
  connection.onDidChangeTextDocument(({ textDocument: d, contentChanges }) => {
    const last = contentChanges[contentChanges.length - 1];
    if (last && !('range' in last)) documents.update(d.uri, last.text, d.version);
  });
  connection.onDidCloseTextDocument(({ textDocument: d }) => documents.close(d.uri));
  connection.onCompletion(({ textDocument, position }) => {
    const text = documents.text(textDocument.uri);
    return text === undefined ? [] : specCompletions(text, offsetAt(text, position), flavourOf(fileOfUri(textDocument.uri)));
  });
  connection.onCodeAction(({ textDocument, context }) =>
    documents.text(textDocument.uri) === undefined ? [] : specQuickFixes(textDocument.uri, context.diagnostics),
  );
  connection.onHover(({ textDocument, position }) => {
    const text = documents.text(textDocument.uri);
    return text === undefined ? null : specHover(text, offsetAt(text, position));
  });

  const answer = <P, R>(type: RequestType<P, R>, work: (params: P) => Promise<R>) =>
    connection.onRequest(type.method, async (params: P) => {
      try {
        return await work(params);
      } catch (err) {
        const reply = userErrorReply(err);
        if (reply) return new ResponseError(ErrorCodes.InvalidParams, reply.message, reply.data);
        log.error(`${type.method} failed: ${(err as Error).stack ?? String(err)}`);
        return new ResponseError(ErrorCodes.InternalError, (err as Error).message);
      }
    });
  answer(RuntimeRequests.runExperiment, (p) => host.runExperiment(p));
  answer(RuntimeRequests.resumeExperiment, (p) => host.resumeExperiment(p));
  answer(RuntimeRequests.stopExperiment, (p) => host.stopExperiment(p));
  answer(RuntimeRequests.stopTrial, (p) => host.stopTrial(p));
  answer(RuntimeRequests.extendTrial, (p) => host.extendTrial(p));
  answer(RuntimeRequests.planExperiment, (p) => host.planExperiment(p));
  answer(RuntimeRequests.detectGpus, () => host.detectGpus());
  answer(RuntimeRequests.snapshot, () => host.snapshot());
  answer(RuntimeRequests.scanResults, (p) => host.scanResults(p));
  answer(RuntimeRequests.trialHistory, (p) => host.trialHistory(p));
  answer(RuntimeRequests.runtimeInfo, async () => options.info);

  // A notification to a client that went away has nobody to tell; the session ends on its own.
  const notify = <P>(type: NotificationType<P>, params: P) => void connection.sendNotification(type.method, params).catch(() => undefined);
  const onDelta = (delta: StateDelta) => notify(RuntimeNotifications.stateDelta, delta);
  const onMessage = (message: UserMessage) => notify(RuntimeNotifications.userMessage, message);
  host.on('delta', onDelta);
  host.on('message', onMessage);

  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    host.off('delta', onDelta);
    host.off('message', onMessage);
    documents.dispose();
    connection.dispose();
    options.onEnd();
  };
  options.input.once('end', end);
  options.input.once('close', end);
  connection.listen();
}
