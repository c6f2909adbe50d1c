/** The pickers above the charts: which metric, the curves' axes and smoothing, which way is better. */
import { BEST_SCOPE_DOC, BEST_SCOPE_LABEL } from '../model/best_so_far';
import { MAX_SMOOTHING } from '../model/curve_smoothing';
import { FIXED_X_AXES, readXAxis, xAxisLabel } from '../model/series';
import type { UiState } from '../model/ui_state';
import { el, setOptions } from './dom';

export type ToolbarChange = Partial<Pick<UiState, 'metric' | 'xAxis' | 'mode' | 'scope' | 'yScale' | 'smoothing'>>;

export class ToolbarView {
  private readonly metric = el('select', { title: 'Metric' });
  private readonly axis = el('select', { className: 'x-axis', title: 'x axis of the learning curves: training_iteration, time_total_s, wall time or any reported metric' });
  private readonly yScale = el('select', { className: 'y-scale', title: 'y axis of the learning curves' });
  private readonly smoothing = el('input', { className: 'smoothing', title: "Smoothing of the learning curves: TensorBoard's exponential moving average (debiased); the raw values stay drawn faint behind" });
  private readonly smoothingValue = el('span', { className: 'muted' });
  private xAxis: UiState['xAxis'];
  private readonly mode = el('select', { title: 'Whether higher or lower is better' });
  private readonly scope = el('select', { className: 'best-scope', title: `${BEST_SCOPE_DOC.last}\n${BEST_SCOPE_DOC.all}` });
  readonly root = el('div', { className: 'toolbar' }, [
    el('label', { text: 'metric ' }, [this.metric]),
    el('label', { text: 'x ' }, [this.axis]),
    el('label', { text: 'y ' }, [this.yScale]),
    el('label', { text: 'smoothing ' }, [this.smoothing, this.smoothingValue]),
    this.mode,
    el('label', { text: 'best by ' }, [this.scope]),
  ]);

  constructor(ui: UiState, onChange: (change: ToolbarChange) => void) {
    this.xAxis = ui.xAxis;
    setOptions(this.axis, FIXED_X_AXES.map((a) => ({ value: a, label: xAxisLabel(a) })), ui.xAxis);
    setOptions(this.yScale, [{ value: 'linear', label: 'linear' }, { value: 'log', label: 'log' }], ui.yScale);
    Object.assign(this.smoothing, { type: 'range', min: '0', max: String(MAX_SMOOTHING), step: '0.01', value: String(ui.smoothing) });
    this.smoothingValue.textContent = ui.smoothing.toFixed(2);
    this.yScale.addEventListener('change', () => onChange({ yScale: this.yScale.value === 'log' ? 'log' : 'linear' }));
    this.smoothing.addEventListener('input', () => {
      this.smoothingValue.textContent = Number(this.smoothing.value).toFixed(2);
      onChange({ smoothing: Number(this.smoothing.value) });
    });
    setOptions(this.mode, [{ value: 'auto', label: 'best: auto' }, { value: 'max', label: 'best: max' }, { value: 'min', label: 'best: min' }], ui.mode);
    setOptions(this.scope, [{ value: 'last', label: BEST_SCOPE_LABEL.last }, { value: 'all', label: BEST_SCOPE_LABEL.all }], ui.scope);
    this.scope.addEventListener('change', () => onChange({ scope: this.scope.value === 'all' ? 'all' : 'last' }));
    this.metric.addEventListener('change', () => {
      if (this.metric.value) onChange({ metric: this.metric.value });
    });
    this.axis.addEventListener('change', () => {
      this.xAxis = readXAxis(this.axis.value);
      onChange({ xAxis: this.xAxis });
    });
    this.mode.addEventListener('change', () => onChange({ mode: this.mode.value as UiState['mode'] }));
  }

  /** The metrics any trial reported; `judged` unset: none chosen yet, so the picker asks. Rebuilt only when they change. */
  render(metrics: string[], judged: string | undefined): void {
    const ask = judged === undefined && metrics.length > 0 ? [{ value: '', label: 'pick a metric…' }] : [];
    setOptions(this.metric, [...ask, ...metrics.map((m) => ({ value: m, label: m }))], judged ?? '');
    const byMetric = metrics.map((m) => ({ value: `metric:${m}`, label: m }));
    setOptions(this.axis, [...FIXED_X_AXES.map((a) => ({ value: a, label: xAxisLabel(a) })), ...byMetric], this.xAxis);
  }
}
