/**
 * The envelope around a scheduler's saved state. A resume must continue the same scheduler
 * with the same settings; anything else is refused loudly rather than patched with
 * defaults (ray-project/ray#30893 is what silent defaults did to Ray users).
 */

export type StateBody = Record<string, unknown>;

export function sealState(scheduler: string, options: StateBody, body: StateBody): StateBody {
  return { scheduler, options, ...body };
}

/** The body of `state` if it was saved by `scheduler` with exactly `options`; throws a sentence otherwise. */
export function openState(state: unknown, scheduler: string, options: StateBody): StateBody {
  const prefix = `cannot restore the ${scheduler} scheduler's state`;
  if (!isMapping(state)) throw new Error(`${prefix}: expected a mapping, got ${state === null ? 'null' : typeof state}`);
  if (state.scheduler !== scheduler) {
    throw new Error(
      `${prefix}: it was saved by the ${String(state.scheduler)} scheduler; resume with the scheduler the experiment started with`,
    );
  }
  if (!isMapping(state.options)) throw new Error(`${prefix}: its options are missing`);
  const saved = state.options;
  const changed = [...new Set([...Object.keys(saved), ...Object.keys(options)])].filter(
    (key) => stableJson(saved[key]) !== stableJson(options[key]),
  );
  if (changed.length > 0) {
    const was = changed.map((key) => `${key} ${stableJson(saved[key]) ?? 'unset'}`).join(', ');
    const now = changed.map((key) => `${key} ${stableJson(options[key]) ?? 'unset'}`).join(', ');
    throw new Error(`${prefix}: it was saved with ${was}, but the scheduler now has ${now}; resume with the original settings`);
  }
  return state;
}

/** A required part of a saved state, checked by `is`; throws naming the part when it is absent or malformed. */
export function statePart<T>(body: StateBody, scheduler: string, key: string, is: (value: unknown) => value is T): T {
  const value = body[key];
  if (!is(value)) throw new Error(`cannot restore the ${scheduler} scheduler's state: "${key}" is missing or malformed`);
  return value;
}

export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isArray(value: unknown): value is unknown[] {
  return Array.isArray(value);
}

/** JSON with sorted keys, so two equal option sets compare equal whatever their key order. */
function stableJson(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return JSON.stringify(value, (_key, inner: unknown) =>
    isMapping(inner)
      ? Object.fromEntries(
          Object.keys(inner)
            .sort()
            .map((k) => [k, inner[k]]),
        )
      : inner,
  );
}
