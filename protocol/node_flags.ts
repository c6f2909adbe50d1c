/**
 * V8 flags for Tunekit's own long-lived Node processes (the `tunekit` CLI, the runtime daemon,
 * the Trainer driver processes). Results arrive by the ten thousand a second and live for
 * microseconds, and V8 would grow its young generation to 16 MB semi-spaces for them; 2 MB
 * holds a report's garbage just as well (measured: same results/s) and keeps the runtime
 * within issue 16's memory budget (≈25 MB less RSS per process).
 * bin/tunekit.js spells them in its `#!` line, which cannot import this (tested equal).
 * Electron's Node mode (desktop VS Code) gets none: its flag handling is its own.
 */
export const LEAN_HEAP_FLAGS: readonly string[] = ['--max-semi-space-size=2'];

/** The flags to start a Tunekit Node process with, given the starting process's `process.versions`. */
export function leanHeapFlags(versions: { readonly electron?: string; readonly node?: string }): string[] {
  return versions.electron ? [] : [...LEAN_HEAP_FLAGS];
}
