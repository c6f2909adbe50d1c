/**
 * The header strip: name and state, trials per status, elapsed, logical resource use,
 * current best. It ticks every second while live, so items are built once and only their
 * text changes.
 */
import type { TrialStatus } from '../../protocol/trial';
import { BEST_SCOPE_DOC, BEST_SCOPE_LABEL } from '../model/best_so_far';
import { formatDuration, formatNumber } from '../model/format';
import type { HeaderStats } from '../model/header_stats';
import { el } from './dom';

const STATUSES: TrialStatus[] = ['RUNNING', 'PENDING', 'PAUSED', 'TERMINATED', 'ERROR'];

interface Item {
  key: string;
  label?: string;
  title?: string;
  text: string;
  className: string;
}

export class HeaderView {
  readonly root = el('header', { className: 'header-strip' });
  private layout = '';
  private readonly values = new Map<string, HTMLElement>();

  /** `unjudged`: the spec names no metric and the user picked none, so no best is claimed. */
  render(stats: HeaderStats, notice: string | undefined, unjudged = false): void {
    const use = (held: number, total: number) => `${formatNumber(Math.round(held * 100) / 100)} / ${formatNumber(total)}`;
    const items: Item[] = [
      { key: 'title', text: stats.name, className: 'title' },
      { key: 'state', text: stats.state, className: `state state-${stats.state}` },
      ...STATUSES.filter((s) => stats.counts[s] > 0).map((s) => ({ key: s, label: s.toLowerCase(), text: String(stats.counts[s]), className: `stat status-${s.toLowerCase()}` })),
      { key: 'elapsed', label: 'elapsed', text: formatDuration(stats.elapsedS), className: 'stat' },
      { key: 'cpu', label: 'CPU', text: use(stats.use.CPU, stats.capacity.CPU), className: 'stat' },
      ...(stats.capacity.GPU > 0 ? [{ key: 'gpu', label: 'GPU', text: use(stats.use.GPU, stats.capacity.GPU), className: 'stat' }] : []),
      ...(stats.best
        ? [{ key: 'best', label: `best (${BEST_SCOPE_LABEL[stats.best.scope]})`, title: BEST_SCOPE_DOC[stats.best.scope], text: `${stats.best.metric} ${formatNumber(stats.best.value)} (trial ${stats.best.trialId})`, className: 'stat best' }]
        : unjudged
          ? [{ key: 'best', label: 'best', title: 'The spec names no tune_config.metric; pick the metric to judge trials by.', text: 'no metric in the spec: pick one above', className: 'stat best' }]
          : []),
      ...(notice ? [{ key: 'notice', text: notice, className: 'notice' }] : []),
    ];
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
