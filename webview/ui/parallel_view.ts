/**
 * Parallel coordinates: one polyline per trial across the params and the metric, coloured by
 * the metric (a band of the scale per dataset, lines broken by NaN points, so 1,000 trials
 * cost a handful of datasets); selected trials in their own colours and the best get
 * datasets of their own, drawn on top. Axis labels are drawn over the lines.
 */
import type { ChartDataset, Plugin } from 'chart.js';
import { withAlpha } from '../model/color';
import { metricColorOn } from '../model/trial_colors';
import { formatNumber, formatValue } from '../../protocol/format';
import type { ParallelPlan } from '../model/hparam_plan';
import { axisTicks, denormalize, normalize } from '../model/param_axes';
import type { RangeFilter } from '../model/trial_table';
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
  /** A drag along an axis: keep trials in this range, or in these categories (undefined: the brush was cleared). */
  onBrush(axisKey: string, range: { min: number; max: number } | { values: string[] } | undefined): void;
}

/** A drag shorter than this is a click, which clears the axis's brush. */
const MIN_BRUSH_PX = 4;
/** How near an axis, in pixels, a drag must start. */
const AXIS_GRAB_PX = 12;

/**
 * The categories a drag from `a` to `b` (0..1 along the axis) covers; a drag between two
 * categories keeps the one nearest its middle, so a brush never keeps nothing.
 */
export function categoriesIn(values: readonly string[], a: number, b: number): string[] {
  const position = (i: number) => (values.length === 1 ? 0.5 : i / (values.length - 1));
  const [lo, hi] = a <= b ? [a, b] : [b, a];
  const inside = values.filter((_, i) => position(i) >= lo && position(i) <= hi);
  if (inside.length || !values.length) return inside;
  const middle = (lo + hi) / 2;
  let nearest = 0;
  values.forEach((_, i) => {
    if (Math.abs(position(i) - middle) < Math.abs(position(nearest) - middle)) nearest = i;
  });
  return [values[nearest]];
}

/** Metric colour bands, worst to best. */
const BANDS = 8;

export class ParallelView {
  readonly chart: Chart<'line', Vertex[]>;
  private plan: ParallelPlan = { axes: [], lines: [] };
  /** Where the last draw put each axis label, in canvas pixels; the browser tests read it. */
  labels: Array<{ text: string; x: number; y: number; w: number; h: number }> = [];
  private brushOf: (axisKey: string) => RangeFilter | undefined = () => undefined;
  private drag: { axis: number; from: number; to: number } | undefined;
  private brushedAt = -Infinity;
  private readonly pool = new DatasetPool<ChartDataset<'line', Vertex[]>>();

  constructor(
    canvas: HTMLCanvasElement,
    private palette: Palette,
    private readonly ctx: ParallelContext,
  ) {
    this.chart = new Chart(canvas, { type: 'line', data: { datasets: [] }, plugins: [this.axesPlugin()], options: this.options() });
    this.listenForBrushes(canvas);
  }

  /** Drag along an axis to brush it, as in Optuna Dashboard and W&B; a click on it clears the brush. */
  private listenForBrushes(canvas: HTMLCanvasElement): void {
    const at = (e: MouseEvent) => {
      const r = canvas.getBoundingClientRect();
      return { x: e.clientX - r.left, y: e.clientY - r.top };
    };
    canvas.addEventListener('mousedown', (e) => {
      const { x, y } = at(e);
      const axis = this.plan.axes.findIndex((_, i) => Math.abs(this.chart.scales.x.getPixelForValue(i) - x) <= AXIS_GRAB_PX);
      if (axis < 0) return;
      this.drag = { axis, from: y, to: y };
      e.preventDefault();
    });
    window.addEventListener('mousemove', (e) => {
      if (!this.drag) return;
      this.drag.to = at(e).y;
      this.chart.draw();
    });
    window.addEventListener('mouseup', (e) => {
      const drag = this.drag;
      if (!drag) return;
      this.drag = undefined;
      drag.to = at(e).y;
      const axis = this.plan.axes[drag.axis];
      if (Math.abs(drag.to - drag.from) < MIN_BRUSH_PX) {
        if (this.brushOf(axis.key)) this.ctx.onBrush(axis.key, undefined);
        this.chart.draw();
        return;
      }
      const y = this.chart.scales.y;
      const along = (px: number) => y.getValueForPixel(px) ?? 0;
      // The click that ends a drag must not also select the line under it.
      this.brushedAt = performance.now();
      if (axis.scale.kind === 'categorical') {
        this.ctx.onBrush(axis.key, { values: categoriesIn(axis.scale.values, along(drag.from), along(drag.to)) });
        return;
      }
      const value = (px: number) => denormalize(axis.scale, Math.max(0, Math.min(1, along(px))))!;
      const [a, b] = [value(drag.from), value(drag.to)];
      this.ctx.onBrush(axis.key, { min: Math.min(a, b), max: Math.max(a, b) });
    });
  }

  setPalette(palette: Palette): void {
    this.palette = palette;
    this.chart.options = this.options();
    // chart.options reads the old resolved options until an update resolves the new ones.
    this.chart.update('none');
  }

  render(plan: ParallelPlan, selection: ReadonlySet<string>, bestId: string | undefined, mode: 'min' | 'max' = 'min', brushOf: (axisKey: string) => RangeFilter | undefined = () => undefined): void {
    this.plan = plan;
    this.brushOf = brushOf;
    const groups = { best: [] as Vertex[] };
    const bands: Vertex[][] = Array.from({ length: BANDS + 1 }, () => []);
    const selected = new Map<string, Vertex[]>();
    const last = plan.axes.length - 1;
    for (const line of plan.lines) {
      let group: Vertex[];
      if (line.trialId === bestId) group = groups.best;
      else if (selection.has(line.trialId)) selected.set(line.trialId, (group = []));
      else {
        // Band 0..BANDS-1 from worst to best; BANDS: no metric yet.
        const at = line.at[last];
        group = bands[at === undefined ? BANDS : Math.min(BANDS - 1, Math.floor((mode === 'min' ? 1 - at : at) * BANDS))];
      }
      line.at.forEach((at, i) => {
        const axis = plan.axes[i];
        group.push({ x: i, y: at ?? NaN, trialId: line.trialId, text: formatValue(this.ctx.valueOf(line.trialId, axis.key)) });
      });
      group.push({ x: NaN, y: NaN, trialId: line.trialId, text: '' });
    }
    const p = this.palette;
    const many = plan.lines.length > 100;
    const alpha = selection.size ? 0.15 : many ? 0.35 : 0.75;
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
    this.chart.data.datasets = [
      ...bands.map((data, i) => line(i === BANDS ? 'trials: no metric' : `trials: band ${i + 1}`, data, withAlpha(i === BANDS ? p.muted : metricColorOn((i + 0.5) / BANDS, p.background), alpha), 1, 3)),
      ...[...selected].map(([id, data]) => line(`selected ${id}`, data, this.ctx.colorOf(id), 2.5, 2)),
      line('best', groups.best, p.best, 3, 1),
    ];
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
        if (performance.now() - this.brushedAt < 300) return;
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
        this.plan.axes.forEach((_, i) => {
          const px = x.getPixelForValue(i);
          ctx.beginPath();
          ctx.moveTo(px, y.getPixelForValue(0));
          ctx.lineTo(px, y.getPixelForValue(1));
          ctx.stroke();
        });
        // Brushes: the kept range of an axis, or the one being dragged.
        ctx.fillStyle = withAlpha(p.focus, 0.25);
        ctx.strokeStyle = p.focus;
        this.plan.axes.forEach((axis, i) => {
          const px = x.getPixelForValue(i);
          let span: [number, number] | undefined;
          if (this.drag?.axis === i) span = [this.drag.from, this.drag.to];
          else {
            const r = this.brushOf(axis.key);
            if (r?.values) {
              const at = r.values.map((v) => normalize(axis.scale, v)).filter((a): a is number => a !== undefined);
              // A few pixels beyond the first and last kept category, so one kept category still shows a box.
              if (at.length) span = [y.getPixelForValue(Math.min(...at)) + 6, y.getPixelForValue(Math.max(...at)) - 6];
            } else {
              const lo = r && normalize(axis.scale, r.min ?? (axis.scale.kind === 'categorical' ? undefined : axis.scale.min));
              const hi = r && normalize(axis.scale, r.max ?? (axis.scale.kind === 'categorical' ? undefined : axis.scale.max));
              if (lo !== undefined && hi !== undefined) span = [y.getPixelForValue(Math.max(-0.02, Math.min(1.02, lo))), y.getPixelForValue(Math.max(-0.02, Math.min(1.02, hi)))];
            }
          }
          if (!span) return;
          const top = Math.min(...span);
          ctx.fillRect(px - 6, top, 12, Math.abs(span[1] - span[0]));
          ctx.strokeRect(px - 6, top, 12, Math.abs(span[1] - span[0]));
        });
        ctx.restore();
      },
      // Labels after the lines, each on a patch of the background, so no line crosses them (issue 15).
      afterDatasetsDraw: (chart) => {
        const { ctx, scales } = chart;
        const x = scales.x;
        const y = scales.y;
        const p = this.palette;
        const size = Math.max(9, p.fontSize - 3);
        ctx.save();
        ctx.font = `${size}px ${p.fontFamily}`;
        ctx.textAlign = 'left';
        ctx.textBaseline = 'middle';
        const last = this.plan.axes.length - 1;
        this.labels = [];
        this.plan.axes.forEach((axis, i) => {
          const px = x.getPixelForValue(i);
          // The last axis labels to its left, so they stay inside the canvas.
          const right = i === last && last > 0;
          for (const tick of axisTicks(axis.scale, formatNumber)) {
            const w = ctx.measureText(tick.label).width;
            const box = { text: tick.label, x: right ? px - 3 - w - 1 : px + 2, y: y.getPixelForValue(tick.at) - size / 2 - 1, w: w + 2, h: size + 2 };
            ctx.fillStyle = p.background;
            ctx.fillRect(box.x, box.y, box.w, box.h);
            ctx.fillStyle = p.foreground;
            ctx.fillText(tick.label, box.x + 1, box.y + box.h / 2);
            this.labels.push(box);
          }
        });
        ctx.restore();
      },
    };
  }
}
