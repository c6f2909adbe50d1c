/**
 * The selection every view shares: a table row click, a curve click or a parallel-coordinates
 * click all go through here, and every chart highlights the same trials.
 */

export interface Selection {
  ids: readonly string[];
  /** Where a shift-click range starts. */
  anchor?: string;
}

export type SelectGesture = 'replace' | 'toggle' | 'range';

export const EMPTY_SELECTION: Selection = { ids: [] };

/**
 * `order` is the order the user sees (the table's sorted, filtered rows); a range runs
 * from the anchor to `id` in it. Replacing with the only selected trial clears it.
 */
export function select(current: Selection, id: string, gesture: SelectGesture, order: readonly string[]): Selection {
  if (gesture === 'toggle') {
    const ids = current.ids.includes(id) ? current.ids.filter((x) => x !== id) : [...current.ids, id];
    return { ids, anchor: id };
  }
  if (gesture === 'range' && current.anchor !== undefined) {
    const from = order.indexOf(current.anchor);
    const to = order.indexOf(id);
    if (from >= 0 && to >= 0) {
      const [lo, hi] = from <= to ? [from, to] : [to, from];
      const range = order.slice(lo, hi + 1);
      return { ids: [...new Set([...current.ids, ...range])], anchor: current.anchor };
    }
  }
  if (current.ids.length === 1 && current.ids[0] === id) return EMPTY_SELECTION;
  return { ids: [id], anchor: id };
}

/** Drops ids of trials the experiment no longer has (e.g. after opening another one). */
export function pruneSelection(current: Selection, known: ReadonlySet<string>): Selection {
  const ids = current.ids.filter((id) => known.has(id));
  if (ids.length === current.ids.length) return current;
  return { ids, anchor: current.anchor !== undefined && known.has(current.anchor) ? current.anchor : undefined };
}
