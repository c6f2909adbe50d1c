/**
 * The header strip: name and state, trials per status, elapsed, logical resource use,
 * current best. It ticks every second while live, so items are built once and only their
 * text changes.
 */
import { headerItems, type HeaderStats } from '../model/header_stats';
import { el } from './dom';

export class HeaderView {
  readonly root = el('header', { className: 'header-strip' });
  private layout = '';
  private readonly values = new Map<string, HTMLElement>();

  /** `unjudged`: the spec names no metric and the user picked none, so no best is claimed. */
  render(stats: HeaderStats, notice: string | undefined, unjudged = false): void {
    const items = headerItems(stats, notice, unjudged);
    const layout = items.map((i) => `${i.key}\u0000${i.className}\u0000${i.label ?? ''}`).join('\u0001');
    if (layout !== this.layout) {
      this.layout = layout;
      this.values.clear();
      this.root.replaceChildren(
        ...items.map((i) => {
          const value = el('span', { className: i.label ? 'value' : '' });
          this.values.set(i.key, value);
          if (!i.label) {
            value.className = i.className;
            return value;
          }
          return el('span', { className: i.className, title: i.title ?? '' }, [el('span', { className: 'label', text: i.label }), value]);
        }),
      );
    }
    for (const i of items) {
      const value = this.values.get(i.key)!;
      if (value.textContent !== i.text) value.textContent = i.text;
    }
  }
}
