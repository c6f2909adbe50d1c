/** Nested configs as one level of '/'-joined keys, as Ray's progress.csv spells them (`train_loop_config/lr`). */
import { isMapping } from './domain';

/** Lists stay whole values; an empty mapping stays as `{}` so the key is not lost. */
export function flattenConfig(config: Record<string, unknown>): Record<string, unknown> {
  const flat: [string, unknown][] = [];
  const visit = (node: Record<string, unknown>, prefix: string) => {
    for (const [key, value] of Object.entries(node)) {
      const path = prefix === '' ? key : `${prefix}/${key}`;
      if (isMapping(value) && Object.keys(value).length > 0) visit(value, path);
      else flat.push([path, value]);
    }
  };
  visit(config, '');
  return Object.fromEntries(flat);
}
