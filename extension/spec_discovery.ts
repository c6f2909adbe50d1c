/**
 * What the CodeLenses need to know about specs and scripts, read from their text:
 * whether a script uses tunekit, which specs run it, where a spec's results go.
 * Paths follow the runtime's own rules (protocol/spec_rules.ts), reused, not retold.
 */
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { DEFAULT_STORAGE_PATH, experimentNameOf, splitCommandLine } from '../protocol/spec_rules';

export const SPEC_GLOB = '**/*.tune.{yaml,yml,json}';

export function isSpecFile(path: string): boolean {
  return /\.tune\.(ya?ml|json)$/i.test(path);
}

/** A script that imports the tunekit client (`import tunekit`, `from tunekit import …`). */
export function importsTunekit(source: string): boolean {
  return /^[ \t]*(import[ \t]+tunekit\b|from[ \t]+tunekit\b)/m.test(source);
}

/** The spec's parsed top level, or undefined when it is not a mapping (a broken spec has no lenses to offer). */
export function parseSpecObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function section(raw: Record<string, unknown> | undefined, key: string): Record<string, unknown> | undefined {
  const value = raw?.[key];
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** trainer.command as words, whether written as argv or as one string. */
export function commandWords(raw: Record<string, unknown> | undefined): string[] {
  const command = section(raw, 'trainer')?.command;
  if (Array.isArray(command)) return command.map(String);
  if (typeof command !== 'string') return [];
  const split = splitCommandLine(command);
  return 'argv' in split ? split.argv : command.split(/\s+/);
}

/**
 * Whether the spec's trainer.command runs this script: a word that, taken from the
 * trainer's working_dir as the workers will, is the script's path. Two examples that both
 * run `train.py` each run their own.
 */
export function specMentionsScript(raw: Record<string, unknown> | undefined, specPath: string, scriptPath: string): boolean {
  const workingDir = section(raw, 'trainer')?.working_dir;
  const cwd = resolve(dirname(specPath), typeof workingDir === 'string' ? workingDir : '.');
  const name = basename(scriptPath);
  return commandWords(raw).some((word) => basename(word) === name && resolve(cwd, word) === resolve(scriptPath));
}

/**
 * The experiment directory a spec writes to: run_config.storage_path (else the
 * `tunekit.storagePath` setting, else ./tunekit_results), relative to the spec, plus the name.
 */
export function resultsDirOf(specPath: string, raw: Record<string, unknown> | undefined, storageSetting?: string): string {
  const run = section(raw, 'run_config');
  const storage = typeof run?.storage_path === 'string' ? run.storage_path : storageSetting || DEFAULT_STORAGE_PATH;
  const name = typeof run?.name === 'string' ? run.name : experimentNameOf(specPath);
  const expanded = storage === '~' ? homedir() : storage.startsWith('~/') ? join(homedir(), storage.slice(2)) : storage;
  return join(resolve(dirname(specPath), expanded), name);
}

/** `train.py` → `train.tune.yaml`, beside it. */
export function specPathForScript(scriptPath: string): string {
  return join(dirname(scriptPath), `${basename(scriptPath).replace(/\.[^.]+$/, '')}.tune.yaml`);
}
