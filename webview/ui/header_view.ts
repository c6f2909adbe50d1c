/** The header strip: name and state, trials per status, elapsed, logical resource use, current best. */
import type { TrialStatus } from '../../protocol/trial';
import { formatDuration, formatNumber } from '../model/format';
import type { HeaderStats } from '../model/header_stats';
import { el } from './dom';

const STATUSES: TrialStatus[] = ['RUNNING', 'PENDING', 'PAUSED', 'TERMINATED', 'ERROR'];

export class HeaderView {
  readonly root = el('header', { className: 'header-strip' });
  private last = '';

  render(stats: HeaderStats, notice: string | undefined): void {
    const key = JSON.stringify([stats, notice]);
    if (key === this.last) return;
    this.last = key;
    const item = (label: string, value: string, className = '') => el('span', { className: `stat ${className}` }, [el('span', { className: 'label', text: label }), el('span', { className: 'value', text: value })]);
    const use = (held: number, total: number) => `${formatNumber(Math.round(held * 100) / 100)} / ${formatNumber(total)}`;
    this.root.replaceChildren(
      el('span', { className: 'title', text: stats.name }),
      el('span', { className: `state state-${stats.state}`, text: stats.state }),
      ...STATUSES.filter((s) => stats.counts[s] > 0).map((s) => item(s.toLowerCase(), String(stats.counts[s]), `status-${s.toLowerCase()}`)),
      item('elapsed', formatDuration(stats.elapsedS)),
      item('CPU', use(stats.use.CPU, stats.capacity.CPU)),
      ...(stats.capacity.GPU > 0 ? [item('GPU', use(stats.use.GPU, stats.capacity.GPU))] : []),
      item('best', stats.best ? `${stats.best.metric} ${formatNumber(stats.best.value)} (trial ${stats.best.trialId})` : '—', 'best'),
      ...(notice ? [el('span', { className: 'notice', text: notice })] : []),
    );
  }
}
