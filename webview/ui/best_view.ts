/** Best-so-far over the experiment's wall-clock time: a step each time a trial beats the best. */
import { BEST_SCOPE_LABEL, type BestPoint, type BestScope } from '../model/best_so_far';
import { withAlpha } from '../model/color';
import { formatDuration, formatNumber } from '../../protocol/format';
import type { SelectGesture } from '../model/selection';
import { baseOptions, Chart } from './charts';
import { gestureOf } from './gestures';
import type { Palette } from './theme';

export class BestView {
  readonly chart: Chart<'line', BestPoint[]>;
  private metric = '';

  constructor(
    canvas: HTMLCanvasElement,
    private palette: Palette,
    private readonly onSelect: (trialId: string, gesture: SelectGesture) => void,
  ) {
    this.chart = new Chart(canvas, { type: 'line', data: { datasets: [] }, options: this.options() });
  }

  setPalette(palette: Palette): void {
    this.palette = palette;
    this.chart.options = this.options();
    // chart.options reads the old resolved options until an update resolves the new ones.
    this.chart.update('none');
  }

  render(points: BestPoint[], metric: string, mode: 'min' | 'max', scope: BestScope): void {
    this.metric = metric;
    const kept = this.chart.data.datasets[0];
    const dataset = {
        label: `best ${metric} (${mode}, by ${BEST_SCOPE_LABEL[scope]})`,
        data: points,
        stepped: 'before',
        borderColor: this.palette.best,
        backgroundColor: withAlpha(this.palette.best, 0.6),
        borderWidth: 2,
        pointRadius: 2,
        pointHitRadius: 6,
      } as const;
    // The same dataset object keeps chart.js's elements; a new one would rebuild them.
    this.chart.data.datasets = [kept ? Object.assign(kept, dataset) : { ...dataset }];
    const y = this.chart.options.scales!.y!;
    Object.assign(y, { title: { display: true, text: `best ${metric} (${BEST_SCOPE_LABEL[scope]})` } });
    this.chart.update('none');
  }

  private options(): Chart<'line', BestPoint[]>['options'] {
    const p = this.palette;
    const base = baseOptions<'line'>(p);
    return {
      ...base,
      parsing: false,
      normalized: true,
      interaction: { mode: 'nearest', intersect: false, axis: 'x' },
      scales: {
        x: { type: 'linear', min: 0, grid: { color: p.grid }, ticks: { color: p.muted, callback: (v) => formatDuration(Number(v)) }, title: { display: true, text: 'elapsed' } },
        y: { type: 'linear', grid: { color: p.grid }, ticks: { color: p.muted } },
      },
      onClick: (event, elements) => {
        const raw = elements[0] && (this.chart.data.datasets[0]?.data[elements[0].index] as BestPoint | undefined);
        if (raw) this.onSelect(raw.trialId, gestureOf(event.native as MouseEvent | null));
      },
      plugins: {
        ...base.plugins,
        tooltip: {
          ...base.plugins!.tooltip,
          callbacks: {
            title: (items) => (items[0] ? `trial ${(items[0].raw as BestPoint).trialId}` : ''),
            label: (item) => `${this.metric} ${formatNumber((item.raw as BestPoint).y)} after ${formatDuration((item.raw as BestPoint).x)}`,
          },
        },
      },
    } as Chart<'line', BestPoint[]>['options'];
  }
}
