/** Selected trials side by side, with "differences only" on by default. */
import type { TrialSummary } from '../../protocol/runtime_api';
import { compareTrials } from '../model/trial_compare';
import { button, el } from './dom';

export class CompareView {
  readonly root = el('div', { className: 'compare-view' });
  private readonly toggle = el('input');
  private readonly table = el('table', { className: 'compare' });

  constructor(
    onDifferencesOnly: (on: boolean) => void,
    onClose: () => void,
  ) {
    this.toggle.type = 'checkbox';
    this.toggle.addEventListener('change', () => onDifferencesOnly(this.toggle.checked));
    this.root.append(
      el('div', { className: 'table-tools' }, [el('label', {}, [this.toggle, ' differences only']), el('span', { className: 'spacer' }), button('Close', onClose)]),
      el('div', { className: 'table-scroll' }, [this.table]),
    );
  }

  render(trials: TrialSummary[], differencesOnly: boolean): void {
    this.toggle.checked = differencesOnly;
    const rows = compareTrials(trials, differencesOnly);
    const head = el('tr', {}, [el('th', { text: 'field' }), ...trials.map((t) => el('th', { text: `trial ${t.id}` }))]);
    const body = rows.map((r) => el('tr', { className: r.differs ? 'differs' : '' }, [el('th', { text: r.label }), ...r.values.map((v) => el('td', { text: v }))]));
    if (rows.length === 0) body.push(el('tr', {}, [el('td', { text: 'These trials do not differ.', className: 'muted' })]));
    this.table.replaceChildren(el('thead', {}, [head]), el('tbody', {}, body));
  }
}
