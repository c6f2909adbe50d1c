/**
 * points_to_evaluate: partial configs, shaped like param_space, that a search algorithm
 * runs before its own. Each value a point gives replaces what param_space has at that
 * place (a primitive, a constant, or a whole sub-mapping); everything else is drawn as
 * usual, and grid_search leaves a point leaves open still expand (Ray's preset variants).
 */
import { isDeepStrictEqual } from 'node:util';
import { setAt, startsWith } from './config_paths';
import { isMapping, primitiveNameOf, readDomain, type Domain } from './domain';
import { dimensionOf } from './tpe/dimension';

export interface Preset {
  keys: string[];
  value: unknown;
  /** The primitive the value replaces; absent when it replaces a constant or a mapping. */
  domain?: Domain;
}

export interface PointProblem {
  /** Keys inside the point. */
  keys: string[];
  message: string;
  severity: 'error' | 'warning';
}

export interface PointReading {
  presets: Preset[];
  problems: PointProblem[];
}

/**
 * Where a point sets values in the space. A key the space lacks is an error, as in Ray; a
 * value outside its primitive's range is a warning (Ray only logs it). `strict` is for
 * searchers that model every searched value (TPE): it makes that an error, and also a
 * point that replaces a whole mapping holding primitives.
 */
export function readPoint(space: Record<string, unknown>, point: Record<string, unknown>, strict = false): PointReading {
  const reading: PointReading = { presets: [], problems: [] };
  walk(point, space, [], reading, strict);
  return reading;
}

function walk(
  point: Record<string, unknown>,
  space: Record<string, unknown>,
  keys: string[],
  reading: PointReading,
  strict: boolean,
): void {
  for (const [key, value] of Object.entries(point)) {
    const at = [...keys, key];
    const where = at.join('.');
    if (!Object.prototype.hasOwnProperty.call(space, key)) {
      const message = `sets ${where}, which is not in param_space; fix the name or add ${where} to param_space`;
      reading.problems.push({ keys: at, message, severity: 'error' });
      continue;
    }
    const target = space[key];
    if (primitiveNameOf(target)) {
      const domain = readDomain(target as Record<string, unknown>, at).domain;
      reading.presets.push(domain ? { keys: at, value, domain } : { keys: at, value });
      const problem = domain && valueProblem(domain, value);
      if (problem)
        reading.problems.push({
          keys: at,
          message: `sets ${where} to ${JSON.stringify(value)}, which ${problem}`,
          severity: strict ? 'error' : 'warning',
        });
    } else if (isMapping(target) && isMapping(value) && Object.keys(value).length > 0) {
      walk(value, target, at, reading, strict);
    } else {
      reading.presets.push({ keys: at, value });
      if (strict && holdsPrimitive(target)) {
        const message = `replaces all of ${where}, which holds searched parameters; TPE needs a value for each of them, so set them one by one`;
        reading.problems.push({ keys: at, message, severity: 'error' });
      }
    }
  }
}

function holdsPrimitive(node: unknown): boolean {
  if (primitiveNameOf(node)) return true;
  return isMapping(node) && Object.values(node).some(holdsPrimitive);
}

function valueProblem(domain: Domain, value: unknown): string | undefined {
  if (domain.kind === 'grid_search') {
    const known = domain.values.some((option) => isDeepStrictEqual(option, value));
    return known ? undefined : `is not one of the grid_search values ${JSON.stringify(domain.values)}`;
  }
  return dimensionOf(domain).problemWith(value);
}

/** A copy of the space with every preset place turned into a constant, so no primitive is left under it. */
export function spaceWithout(space: Record<string, unknown>, presets: readonly Preset[]): Record<string, unknown> {
  const reduced = structuredClone(space);
  for (const preset of presets) setAt(reduced, preset.keys, null);
  return reduced;
}

/** Writes each preset's value into a config made from the reduced space. */
export function applyPresets(config: Record<string, unknown>, presets: readonly Preset[]): void {
  for (const preset of presets) setAt(config, preset.keys, structuredClone(preset.value));
}

/** Whether a leaf at `keys` lies under a preset that replaced a whole mapping. */
export function coveredByPreset(keys: readonly string[], presets: readonly Preset[]): boolean {
  return presets.some((preset) => preset.keys.length < keys.length && startsWith(keys, preset.keys));
}
