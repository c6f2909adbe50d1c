/**
 * Parallel coordinates: one polyline per trial across the params and the metric. All
 * unselected trials share one dataset (lines broken by NaN points), so 1,000 trials cost
 * one dataset; selected trials and the best get datasets of their own, drawn on top.
 */
import type { ChartDataset, Plugin } from 'chart.js';
import { withAlpha } from '../model/color';
import { formatNumber, formatValue } from '../model/format';
import type { ParallelPlan } from '../model/hparam_plan';
import { axisTicks } from '../model/param_axes';
import type { SelectGesture } from '../model/selection';
import { baseOptions, Chart } from './charts';
import { DatasetPool } from './dataset_pool';
import { gestureOf } from './gestures';
import type { Palette } from './theme';

interface Vertex {
  x: number;
  y: number;
  trialId: string;
  /** What the trial took on this axis, as shown. */
  text: string;
}

export interface ParallelContext {
  colorOf(trialId: string): string;
  onSelect(trialId: string, gesture: SelectGesture): void;
  /** The value behind a vertex, for its tooltip. */
  valueOf(trialId: string, axisKey: string): unknown;
}

export class ParallelView {
  readonly chart: Chart<'line', Vertex[]>;
  private plan: ParallelPlan = { axes: [], lines: [] };
  private readonly pool = new DatasetPool<ChartDataset<'line', Vertex[]>>();

  constructor(
    canvas: HTMLCanvasElement,
    private palette: Palette,
    private readonly ctx: ParallelContext,
  ) {
    this.chart = new Chart(canvas, { type: 'line', data: { datasets: [] }, plugins: [this.axesPlugin()], options: this.options() });
  }

  setPalette(palette: Palette): void {
    this.palette = palette;
    this.chart.options = this.options();
    // chart.options reads the old resolved options until an update resolves the new ones.
    this.chart.update('none');
  }

  render(plan: ParallelPlan, selection: ReadonlySet<string>, bestId: string | undefined): void {
    this.plan = plan;
    const groups = { other: [] as Vertex[], selected: [] as Vertex[], best: [] as Vertex[] };
    for (const line of plan.lines) {
      const group = line.trialId === bestId ? groups.best : selection.has(line.trialId) ? groups.selected : groups.other;
      line.at.forEach((at, i) => {
        const axis = plan.axes[i];
        group.push({ x: i, y: at ?? NaN, trialId: line.trialId, text: formatValue(this.ctx.valueOf(line.trialId, axis.key)) });
      });
      group.push({ x: NaN, y: NaN, trialId: line.trialId, text: '' });
    }
    const p = this.palette;
    const many = plan.lines.length > 100;
    const otherColor = withAlpha(p.series[0], selection.size ? 0.12 : many ? 0.25 : 0.6);
    const line = (label: string, data: Vertex[], color: string, width: number, order: number) => this.pool.take(label, {
      label,
      data,
      borderColor: color,
      backgroundColor: color,
      borderWidth: width,
      pointRadius: 0,
      pointHoverRadius: 4,
      pointHitRadius: 5,
      order,
    } as ChartDataset<'line', Vertex[]>);
    this.chart.data.datasets = [line('trials', groups.other, otherColor, 1, 3), line('selected', groups.selected, p.focus, 2.5, 2), line('best', groups.best, p.best, 3, 1)];
    this.pool.sweep();
    Object.assign(this.chart.options.scales!.x!, { max: Math.max(plan.axes.length - 1, 1) + 0.15 });
    this.chart.update('none');
  }

  private options(): Chart<'line', Vertex[]>['options'] {
    const p = this.palette;
    const base = baseOptions<'line'>(p);
    return {
      ...base,
      // Parsed: with parsing off chart.js assumes data sorted by x, and these polylines are not.
      spanGaps: false,
      layout: { padding: { top: 12, bottom: 4, right: 8 } },
      interaction: { mode: 'nearest', intersect: false, axis: 'xy' },
      scales: {
        x: {
          type: 'linear',
          min: -0.15,
          grid: { display: false },
          afterBuildTicks: (scale) => {
            scale.ticks = this.plan.axes.map((_, i) => ({ value: i }));
          },
          ticks: {
            color: p.foreground,
            callback: (v) => {
              const axis = this.plan.axes[Number(v)];
              return axis ? `${axis.label}${axis.scale.kind === 'log' ? ' (log)' : ''}` : '';
            },
          },
        },
        y: { type: 'linear', min: -0.03, max: 1.03, display: false },
      },
      onClick: (event, elements) => {
        const el = elements[0];
        const v = el && (this.chart.data.datasets[el.datasetIndex]?.data[el.index] as Vertex | undefined);
        if (v) this.ctx.onSelect(v.trialId, gestureOf(event.native as MouseEvent | null));
      },
      plugins: {
        ...base.plugins,
        tooltip: {
          ...base.plugins!.tooltip,
          callbacks: {
            title: (items) => (items[0] ? `trial ${(items[0].raw as Vertex).trialId}` : ''),
            label: (item) => {
              const v = item.raw as Vertex;
              return `${this.plan.axes[v.x]?.label ?? ''} = ${v.text}`;
            },
          },
        },
      },
    } as Chart<'line', Vertex[]>['options'];
  }

  /** Each axis: a vertical rule with its value ticks (categories, ends, powers of ten). */
  private axesPlugin(): Plugin<'line'> {
    return {
      id: 'tunekitParallelAxes',
      beforeDatasetsDraw: (chart) => {
        const { ctx, scales } = chart;
        const x = scales.x;
        const y = scales.y;
        const p = this.palette;
        ctx.save();
        ctx.strokeStyle = withAlpha(p.foreground, 0.5);
        ctx.fillStyle = p.muted;
        ctx.font = `${Math.max(9, p.fontSize - 3)}px ${p.fontFamily}`;
        ctx.lineWidth = 1;
        const last = this.plan.axes.length - 1;
        this.plan.axes.forEach((axis, i) => {
          const px = x.getPixelForValue(i);
          ctx.beginPath();
          ctx.moveTo(px, y.getPixelForValue(0));
          ctx.lineTo(px, y.getPixelForValue(1));
          ctx.stroke();
          // The last axis labels to its left, so they stay inside the canvas.
          ctx.textAlign = i === last && last > 0 ? 'right' : 'left';
          for (const tick of axisTicks(axis.scale, formatNumber)) {
            ctx.fillText(tick.label, px + (i === last && last > 0 ? -3 : 3), y.getPixelForValue(tick.at) + 3);
          }
        });
        ctx.restore();
      },
    };
  }
}
