/** The pickers above the charts: which metric, which x axis for the curves, which way is better. */
import { BEST_SCOPE_DOC, BEST_SCOPE_LABEL } from '../model/best_so_far';
import type { UiState } from '../model/ui_state';
import { el, setOptions } from './dom';

export type ToolbarChange = Partial<Pick<UiState, 'metric' | 'xAxis' | 'mode' | 'scope'>>;

export class ToolbarView {
  private readonly metric = el('select', { title: 'Metric' });
  private readonly axis = el('select', { title: 'x axis of the learning curves' });
  private readonly mode = el('select', { title: 'Whether higher or lower is better' });
  private readonly scope = el('select', { className: 'best-scope', title: `${BEST_SCOPE_DOC.last}\n${BEST_SCOPE_DOC.all}` });
  readonly root = el('div', { className: 'toolbar' }, [
    el('label', { text: 'metric ' }, [this.metric]),
    el('label', { text: 'x ' }, [this.axis]),
    this.mode,
    el('label', { text: 'best by ' }, [this.scope]),
  ]);

  constructor(ui: UiState, onChange: (change: ToolbarChange) => void) {
    setOptions(this.axis, [{ value: 'training_iteration', label: 'training_iteration' }, { value: 'time_total_s', label: 'time_total_s' }], ui.xAxis);
    setOptions(this.mode, [{ value: 'auto', label: 'best: auto' }, { value: 'max', label: 'best: max' }, { value: 'min', label: 'best: min' }], ui.mode);
    setOptions(this.scope, [{ value: 'last', label: BEST_SCOPE_LABEL.last }, { value: 'all', label: BEST_SCOPE_LABEL.all }], ui.scope);
    this.scope.addEventListener('change', () => onChange({ scope: this.scope.value === 'all' ? 'all' : 'last' }));
    this.metric.addEventListener('change', () => {
      if (this.metric.value) onChange({ metric: this.metric.value });
    });
    this.axis.addEventListener('change', () => onChange({ xAxis: this.axis.value === 'time_total_s' ? 'time_total_s' : 'training_iteration' }));
    this.mode.addEventListener('change', () => onChange({ mode: this.mode.value as UiState['mode'] }));
  }

  /** The metrics any trial reported; `judged` unset: none chosen yet, so the picker asks. Rebuilt only when they change. */
  render(metrics: string[], judged: string | undefined): void {
    const ask = judged === undefined && metrics.length > 0 ? [{ value: '', label: 'pick a metric…' }] : [];
    setOptions(this.metric, [...ask, ...metrics.map((m) => ({ value: m, label: m }))], judged ?? '');
  }
}
