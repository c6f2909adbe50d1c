import type { AdmissionMode } from '../../protocol/spec';

/**
 * Defaults a user sets outside the spec. VS Code settings reach the runtime as these
 * variables; a value written in the spec always wins.
 *   TUNEKIT_STORAGE_PATH  storage_path (relative to the spec's folder)
 *   TUNEKIT_RESOURCES     resources override, JSON such as {"CPU": 8, "GPU": 4}
 *   TUNEKIT_ADMISSION     coordinated | ray
 */
export interface UserDefaults {
  storagePath?: string;
  resources?: { CPU?: number; GPU?: number };
  admission?: AdmissionMode;
}

export function userDefaults(env: NodeJS.ProcessEnv = process.env): UserDefaults {
  const defaults: UserDefaults = {};
  if (env.TUNEKIT_STORAGE_PATH) defaults.storagePath = env.TUNEKIT_STORAGE_PATH;
  if (env.TUNEKIT_ADMISSION === 'coordinated' || env.TUNEKIT_ADMISSION === 'ray') defaults.admission = env.TUNEKIT_ADMISSION;
  if (env.TUNEKIT_RESOURCES) {
    try {
      const parsed = JSON.parse(env.TUNEKIT_RESOURCES) as Record<string, unknown>;
      const resources: { CPU?: number; GPU?: number } = {};
      for (const key of ['CPU', 'GPU'] as const) {
        const value = parsed[key];
        if (typeof value === 'number' && Number.isInteger(value) && value >= 0) resources[key] = value;
      }
      if (Object.keys(resources).length) defaults.resources = resources;
    } catch {
      // The extension validates the setting; a hand-set malformed value is ignored.
    }
  }
  return defaults;
}
