/** One param against the metric, one point per trial; a log axis where the space is log-scaled. */
import { withAlpha } from '../model/color';
import { formatNumber } from '../../protocol/format';
import { logTickLabel } from '../model/log_ticks';
import type { ScatterPoint } from '../model/hparam_plan';
import type { Axis } from '../model/param_axes';
import type { SelectGesture } from '../model/selection';
import type { ChartDataset } from 'chart.js';
import { baseOptions, Chart } from './charts';
import { DatasetPool } from './dataset_pool';
import { gestureOf } from './gestures';
import type { Palette } from './theme';

export interface ScatterContext {
  colorOf(trialId: string): string;
  onSelect(trialId: string, gesture: SelectGesture): void;
}

export class ScatterView {
  readonly chart: Chart<'scatter', ScatterPoint[]>;
  private axis: Axis | undefined;
  private metric = '';
  private readonly pool = new DatasetPool<ChartDataset<'scatter', ScatterPoint[]>>();

  constructor(
    canvas: HTMLCanvasElement,
    private palette: Palette,
    private readonly ctx: ScatterContext,
  ) {
    this.chart = new Chart(canvas, { type: 'scatter', data: { datasets: [] }, options: this.options() });
  }

  setPalette(palette: Palette): void {
    this.palette = palette;
    this.chart.options = this.options();
    // chart.options reads the old resolved options until an update resolves the new ones.
    this.chart.update('none');
    this.axis = undefined;
  }

  render(axis: Axis | undefined, points: ScatterPoint[], metric: string, selection: ReadonlySet<string>, bestId: string | undefined): void {
    const p = this.palette;
    this.metric = metric;
    if (axis?.key !== this.axis?.key || axis?.scale.kind !== this.axis?.scale.kind) this.configureX(axis);
    this.axis = axis;
    const other = points.filter((pt) => pt.trialId !== bestId && !selection.has(pt.trialId));
    const chosen = points.filter((pt) => selection.has(pt.trialId) && pt.trialId !== bestId);
    // Each point in its trial's colour, as in every chart and the table's swatch.
    const alpha = selection.size ? 0.25 : points.length > 100 ? 0.6 : 0.9;
    const take = (d: ChartDataset<'scatter', ScatterPoint[]>) => this.pool.take(d.label!, d);
    this.chart.data.datasets = [
      // Past 100 trials one colour for the bulk: chart.js then resolves one style, not one per point.
      take({ label: 'trials', data: other, pointRadius: 3.5, pointBackgroundColor: points.length > 100 ? withAlpha(p.muted, alpha) : other.map((pt) => withAlpha(this.ctx.colorOf(pt.trialId), alpha)), pointBorderWidth: 0, order: 3 }),
      take({ label: 'selected', data: chosen, pointRadius: 6, pointBackgroundColor: chosen.map((pt) => this.ctx.colorOf(pt.trialId)), pointBorderColor: p.foreground, pointBorderWidth: 1.5, order: 2 }),
      take({ label: 'best', data: points.filter((pt) => pt.trialId === bestId), pointRadius: 7, pointStyle: 'star', pointBorderColor: p.best, pointBorderWidth: 2, order: 1 }),
    ];
    this.pool.sweep();
    Object.assign(this.chart.options.scales!.y!, { title: { display: true, text: metric } });
    this.chart.update('none');
  }

  private configureX(axis: Axis | undefined): void {
    const p = this.palette;
    const common = { grid: { color: p.grid }, title: { display: true, text: axis ? `${axis.label}${axis.scale.kind === 'log' ? ' (log)' : ''}` : '' } };
    const scales = this.chart.options.scales!;
    if (axis?.scale.kind === 'categorical') {
      const values = axis.scale.values;
      scales.x = {
        ...common,
        type: 'linear',
        min: -0.5,
        max: values.length - 0.5,
        afterBuildTicks: (scale) => {
          scale.ticks = values.map((_, i) => ({ value: i }));
        },
        ticks: { color: p.muted, callback: (v) => values[Number(v)] ?? '' },
      };
    } else if (axis?.scale.kind === 'log') {
      // chart.js puts a tick at every integer multiple; label only as many as fit side by side.
      const labelPx = 6 * Math.max(10, p.fontSize - 1) * 0.6 + 8;
      scales.x = {
        ...common,
        type: 'logarithmic',
        ticks: {
          color: p.muted,
          autoSkip: false,
          maxRotation: 0,
          callback(v) {
            return logTickLabel(Number(v), this.min, this.max, this.width, labelPx);
          },
        },
      };
    } else {
      scales.x = { ...common, type: 'linear', ticks: { color: p.muted } };
    }
  }

  private options(): Chart<'scatter', ScatterPoint[]>['options'] {
    const p = this.palette;
    const base = baseOptions<'scatter'>(p);
    return {
      ...base,
      // Parsed: with parsing off chart.js assumes data sorted by x and takes the axis range from the ends.
      interaction: { mode: 'nearest', intersect: true },
      scales: { x: { type: 'linear', grid: { color: p.grid } }, y: { type: 'linear', grid: { color: p.grid }, ticks: { color: p.muted } } },
      onClick: (event, elements) => {
        const el = elements[0];
        const pt = el && (this.chart.data.datasets[el.datasetIndex]?.data[el.index] as ScatterPoint | undefined);
        if (pt) this.ctx.onSelect(pt.trialId, gestureOf(event.native as MouseEvent | null));
      },
      plugins: {
        ...base.plugins,
        tooltip: {
          ...base.plugins!.tooltip,
          callbacks: {
            title: (items) => (items[0] ? `trial ${(items[0].raw as ScatterPoint).trialId}` : ''),
            label: (item) => {
              const pt = item.raw as ScatterPoint;
              const x = this.axis?.scale.kind === 'categorical' ? this.axis.scale.values[pt.x] : formatNumber(pt.x);
              return `${this.axis?.label ?? ''} ${x} → ${this.metric} ${formatNumber(pt.y)}`;
            },
          },
        },
      },
    } as Chart<'scatter', ScatterPoint[]>['options'];
  }
}
