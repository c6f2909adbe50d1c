/** Reads the `tunekit.*` settings, with the Python extension's interpreter as the default one. */
import * as vscode from 'vscode';
import type { RuntimeSettings } from './runtime_env';

/** The part of ms-python.python's API we use (its `environments` API). */
interface PythonApi {
  environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { path: string };
    resolveEnvironment(env: { path: string }): Promise<{ executable?: { uri?: vscode.Uri } } | undefined>;
  };
}

const PYTHON_EXTENSION_TIMEOUT_MS = 5000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  return Promise.race([promise, new Promise<undefined>((r) => setTimeout(() => r(undefined), ms))]);
}

/** The interpreter selected in the Python extension, when it is installed; undefined otherwise. */
export async function interpreterFromPythonExtension(log: vscode.LogOutputChannel): Promise<string | undefined> {
  const extension = vscode.extensions.getExtension<PythonApi>('ms-python.python');
  if (!extension) return undefined;
  try {
    const api = await withTimeout(Promise.resolve(extension.activate()), PYTHON_EXTENSION_TIMEOUT_MS);
    const environments = api?.environments;
    if (!environments) return undefined;
    const active = environments.getActiveEnvironmentPath(vscode.workspace.workspaceFolders?.[0]?.uri);
    const resolved = await withTimeout(environments.resolveEnvironment(active), PYTHON_EXTENSION_TIMEOUT_MS);
    return resolved?.executable?.uri?.fsPath ?? active.path;
  } catch (e) {
    log.warn(`could not ask the Python extension for its interpreter: ${(e as Error).message}`);
    return undefined;
  }
}

export function storagePathSetting(): string {
  return vscode.workspace.getConfiguration('tunekit').get<string>('storagePath', '');
}

export async function readRuntimeSettings(log: vscode.LogOutputChannel): Promise<RuntimeSettings> {
  const config = vscode.workspace.getConfiguration('tunekit');
  const override = config.get<{ CPU?: number; GPU?: number } | null>('resourcesOverride', null);
  const admission = config.get<string>('admissionMode', '');
  return {
    pythonInterpreter: config.get<string>('pythonInterpreter', '') || (await interpreterFromPythonExtension(log)) || '',
    storagePath: config.get<string>('storagePath', ''),
    resourcesOverride: override ?? undefined,
    admissionMode: admission === 'coordinated' || admission === 'ray' ? admission : undefined,
  };
}
