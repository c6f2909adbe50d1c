/** Commands that ask the runtime to do something: run, plan, stop, resume, extend, detect GPUs. */
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { RuntimeRequests, type ExperimentSummary, type RequestType } from '../protocol/runtime_api';
import { experimentTarget, specTarget, trialTarget, type CommandTarget } from './command_targets';
import type { RuntimeConnection } from './runtime_connection';
import type { RuntimeStore } from './store';
import type { ReadOnlyDocuments } from './read_only_documents';
import { runIntent, type RunIntent } from './spec_actions';
import { ensureTrusted } from './trust';
import { showRequestError, type OpenLogs } from './user_messages';

export interface CommandDeps {
  connection: RuntimeConnection;
  store: RuntimeStore;
  log: vscode.LogOutputChannel;
  documents: ReadOnlyDocuments;
  openClientLog: OpenLogs;
  /** Shows an experiment in the Experiments view. */
  reveal: (experimentPath: string) => Promise<void>;
}

async function withProgress<T>(title: string, work: () => Promise<T>): Promise<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title }, work);
}

/**
 * Sends a request, under a progress notification when `progress` names one; a failure becomes
 * one sentence for the user and undefined for the caller. The progress covers the request only:
 * the error waits for the user's click, and a "Starting…" must not spin until then (issue 15).
 */
async function send<P, R>(deps: CommandDeps, action: string, type: RequestType<P, R>, params: P, progress?: string): Promise<R | undefined> {
  try {
    const request = () => deps.connection.request(type, params);
    return await (progress ? withProgress(progress, request) : request());
  } catch (e) {
    await showRequestError(action, e, deps.log, deps.openClientLog);
    return undefined;
  }
}

/** Unsaved edits of the spec would otherwise be ignored by a runtime that reads the file. */
async function saveIfDirty(uri: vscode.Uri): Promise<void> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open?.isDirty) await open.save();
}

/** A run that would do nothing: say so and offer what the user likely meant (the command does not wait for the pick). True when it was offered. */
function offerInstead(intent: RunIntent, known: ExperimentSummary | undefined): boolean {
  if (intent.kind === 'start' || !known) return false;
  const actions = intent.kind === 'finished' ? ['Open Dashboard', 'Extend a Trial…'] : ['Open Dashboard'];
  void vscode.window.showInformationMessage(intent.message, ...actions).then((choice) => {
    if (choice === 'Open Dashboard') return vscode.commands.executeCommand('tunekit.openDashboard', known.path);
    if (choice === 'Extend a Trial…') return vscode.commands.executeCommand('tunekit.extendTrial');
    return undefined;
  });
  return true;
}

export function registerExperimentCommands(deps: CommandDeps): vscode.Disposable[] {
  const { store } = deps;
  const register = (id: string, run: (target: CommandTarget) => Promise<unknown>) => vscode.commands.registerCommand(id, run);
  return [
    register('tunekit.runExperiment', async (target) => {
      if (!(await ensureTrusted())) return;
      const spec = await specTarget(target);
      if (!spec) return;
      await saveIfDirty(spec);
      const name = basename(spec.fsPath);
      const known = store.experiments().find((e) => e.specPath === spec.fsPath);
      if (offerInstead(runIntent(known), known)) return undefined;
      const started = await send(deps, `Could not run ${name}`, RuntimeRequests.runExperiment, { specPath: spec.fsPath }, `Starting ${name}…`);
      if (started) await deps.reveal(started.experimentPath);
      return started;
    }),
    register('tunekit.planExperiment', async (target) => {
      const spec = await specTarget(target);
      if (!spec) return;
      await saveIfDirty(spec);
      const name = basename(spec.fsPath);
      const plan = await send(deps, `Could not plan ${name}`, RuntimeRequests.planExperiment, { specPath: spec.fsPath }, `Planning ${name}…`);
      if (plan) await deps.documents.show(`${name.replace(/\.(ya?ml|json)$/, '')} plan.txt`, plan.text);
      return plan;
    }),
    register('tunekit.stopExperiment', async (target) => {
      const path = await experimentTarget(target, store, (e) => e.live && e.state === 'running', 'No experiment is running.');
      if (!path) return;
      const name = store.experiment(path)?.name ?? basename(path);
      return send(deps, `Could not stop ${name}`, RuntimeRequests.stopExperiment, { experimentPath: path }, `Stopping ${name}…`);
    }),
    register('tunekit.resumeExperiment', async (target) => {
      if (!(await ensureTrusted())) return;
      const path = await experimentTarget(target, store, (e) => !e.live && e.state !== 'finished', 'There is no stopped or interrupted experiment to resume.');
      if (!path) return;
      if (offerInstead(runIntent(store.experiment(path)), store.experiment(path))) return undefined;
      const name = store.experiment(path)?.name ?? basename(path);
      const resumed = await send(deps, `Could not resume ${name}`, RuntimeRequests.resumeExperiment, { experimentPath: path }, `Resuming ${name}…`);
      if (resumed) await deps.reveal(resumed.experimentPath);
      return resumed;
    }),
    register('tunekit.stopTrial', async (target) => {
      const trial = await trialTarget(target, store, (t) => t.status === 'RUNNING' || t.status === 'PENDING' || t.status === 'PAUSED', 'No trial is running.');
      if (!trial) return;
      return send(deps, `Could not stop trial ${trial.id}`, RuntimeRequests.stopTrial, { experimentPath: trial.experimentPath, trialId: trial.id });
    }),
    register('tunekit.extendTrial', async (target) => {
      if (!(await ensureTrusted())) return;
      const trial = await trialTarget(target, store, (t) => t.status === 'TERMINATED' || t.status === 'ERROR', 'No trial has finished yet.');
      if (!trial) return;
      const answer = await vscode.window.showInputBox({
        title: `Extend trial ${trial.id}`,
        prompt: `Continue training to this training_iteration (now ${trial.iteration}).`,
        value: String(trial.iteration * 2 || 10),
        validateInput: (v) => (/^\d+$/.test(v.trim()) && Number(v) > trial.iteration ? undefined : `Enter a whole number above ${trial.iteration}.`),
      });
      if (answer === undefined) return;
      // As `tunekit extend --set`: each setting is a dotted path and a value, e.g. train_loop_config.lr=0.001.
      const changes = await vscode.window.showInputBox({
        title: `Extend trial ${trial.id}`,
        prompt: 'Settings to change for the continuation, separated by spaces (leave empty to keep them).',
        placeHolder: 'train_loop_config.lr=0.001',
        validateInput: (v) => (settingsOf(v).every((s) => /^[^=\s]+=/.test(s)) ? undefined : 'Write each setting as path=value.'),
      });
      if (changes === undefined) return;
      return send(deps, `Could not extend trial ${trial.id}`, RuntimeRequests.extendTrial, {
        experimentPath: trial.experimentPath,
        trialId: trial.id,
        maxIterations: Number(answer.trim()),
        settings: settingsOf(changes),
      });
    }),
    register('tunekit.detectGpus', async () => {
      const found = await send(deps, 'Could not detect GPUs', RuntimeRequests.detectGpus, {}, 'Detecting GPUs…');
      if (found) await deps.documents.show('Tunekit hardware.txt', found.text);
      return found;
    }),
  ];
}

/** `a.b=1 c=[1, 2]`: a new setting starts where a space is followed by `path=`. */
function settingsOf(text: string): string[] {
  return text.trim() ? text.trim().split(/\s+(?=[\w.-]+=)/) : [];
}
