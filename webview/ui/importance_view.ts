/** Hyperparameter importance as horizontal bars, with the method it was computed by written under them. */
import { formatNumber } from '../../protocol/format';
import { IMPORTANCE_METHOD, MIN_TRIALS, type Importance } from '../model/param_importance';
import { baseOptions, Chart } from './charts';
import { el } from './dom';
import type { Palette } from './theme';

export class ImportanceView {
  readonly chart: Chart<'bar', number[], string>;
  /** What the numbers are: the method, always on screen (issue 15). */
  readonly note = el('p', { className: 'importance-method muted', text: IMPORTANCE_METHOD });
  private rows: Importance[] = [];

  constructor(
    canvas: HTMLCanvasElement,
    private palette: Palette,
  ) {
    this.chart = new Chart(canvas, { type: 'bar', data: { labels: [], datasets: [] }, options: this.options() });
  }

  setPalette(palette: Palette): void {
    this.palette = palette;
    this.chart.options = this.options();
    this.chart.update('none');
  }

  render(rows: Importance[], metric: string, rated: number): void {
    this.rows = rows;
    this.note.textContent = rows.length ? `${IMPORTANCE_METHOD}. For ${metric}, over ${rated} trials.` : `${IMPORTANCE_METHOD}. Needs at least ${MIN_TRIALS} trials that reported ${metric || 'the metric'}.`;
    const kept = this.chart.data.datasets[0];
    const dataset = { label: `importance for ${metric}`, data: rows.map((r) => r.importance), backgroundColor: this.palette.focus, borderWidth: 0 };
    this.chart.data.labels = rows.map((r) => r.label);
    this.chart.data.datasets = [kept ? Object.assign(kept, dataset) : dataset];
    this.chart.update('none');
  }

  private options(): Chart<'bar', number[], string>['options'] {
    const p = this.palette;
    const base = baseOptions<'bar'>(p);
    return {
      ...base,
      indexAxis: 'y',
      scales: {
        x: { type: 'linear', min: 0, max: 1, grid: { color: p.grid }, ticks: { color: p.muted, callback: (v) => `${Math.round(Number(v) * 100)}%` }, title: { display: true, text: 'share of explained variance' } },
        y: { type: 'category', grid: { display: false }, ticks: { color: p.foreground } },
      },
      plugins: {
        ...base.plugins,
        tooltip: {
          ...base.plugins!.tooltip,
          callbacks: {
            label: (item) => {
              const r = this.rows[item.dataIndex];
              return r ? `${Math.round(r.importance * 100)}% of the explained variance (η² ${formatNumber(r.explained)} alone)` : '';
            },
          },
        },
      },
    };
  }
}
