/**
 * The settings the runtime honours, as the environment variables it reads when the
 * daemon starts. The daemon outlives windows, so a change applies from its next start.
 */

export interface RuntimeSettings {
  /** Absolute interpreter for `python`/`python3` in trainer.command; empty = the runtime resolves python3. */
  pythonInterpreter: string;
  /** Default run_config.storage_path for specs that set none; relative to the spec. */
  storagePath: string;
  /** Simulated machine, e.g. {CPU: 8, GPU: 4}; a spec's own `resources` wins. */
  resourcesOverride?: { CPU?: number; GPU?: number };
  /** Default tune_config.admission for specs that set none. */
  admissionMode?: 'coordinated' | 'ray';
}

export const RUNTIME_ENV = {
  python: 'TUNEKIT_PYTHON',
  storagePath: 'TUNEKIT_STORAGE_PATH',
  resources: 'TUNEKIT_RESOURCES',
  admission: 'TUNEKIT_ADMISSION',
} as const;

/** Only set variables appear, so an unset setting leaves the runtime's default in charge. */
export function runtimeEnv(settings: RuntimeSettings): Record<string, string> {
  const env: Record<string, string> = {};
  if (settings.pythonInterpreter) env[RUNTIME_ENV.python] = settings.pythonInterpreter;
  if (settings.storagePath) env[RUNTIME_ENV.storagePath] = settings.storagePath;
  const r = settings.resourcesOverride;
  if (r && (r.CPU !== undefined || r.GPU !== undefined)) env[RUNTIME_ENV.resources] = JSON.stringify(r);
  if (settings.admissionMode) env[RUNTIME_ENV.admission] = settings.admissionMode;
  return env;
}

/** The daemon's environment: the extension host's (a TUNEKIT_PYTHON exported in the shell still counts), settings over it. */
export function daemonEnv(base: NodeJS.ProcessEnv, settings: RuntimeSettings): NodeJS.ProcessEnv {
  return { ...base, ...runtimeEnv(settings) };
}
