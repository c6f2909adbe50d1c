/**
 * Learning curves: the chosen metric against training_iteration, time_total_s, wall time or
 * another metric, on a linear or log y axis, optionally smoothed (raw values faint behind). The
 * emphasised trials (best, selected) are chart.js datasets with tooltips; running trials
 * and the rest are painted under them (see painted_curves.ts), and hovering near one
 * promotes it to a dataset. Markers show restores from checkpoints and early stops, with
 * the reason in their tooltip.
 */
import type { ChartDataset, TooltipItem } from 'chart.js';
import type { CurveMarker } from '../model/curve_markers';
import type { CurvePlan, CurveRole } from '../model/curve_plan';
import { withAlpha } from '../model/color';
import { formatNumber } from '../../protocol/format';
import type { SelectGesture } from '../model/selection';
import { logTickLabel } from '../model/log_ticks';
import { xAxisLabel, type XAxis } from '../model/series';
import { panBox, zoomBox, type Drag, type PixelBox } from '../model/curve_zoom';
import { PaintedCurves, type LayerLine } from './painted_curves';
import { DatasetPool } from './dataset_pool';
import { baseOptions, Chart } from './charts';
import { gestureOf } from './gestures';
import type { Palette } from './theme';

export interface CurvesContext {
  colorOf(trialId: string): string;
  /** Lines for a tooltip: the trial's params. */
  describe(trialId: string): string[];
  onSelect(trialId: string, gesture: SelectGesture): void;
  /** The hovered background trial changed: plan the curves again. */
  onHover(): void;
}

type Dataset = ChartDataset<'line', Array<{ x: number; y: number }>> & { trialId?: string; marker?: CurveMarker['kind'] };

/** Each way a curve is marked has its own shape and colour: a user's stop is neither a completion nor a scheduler's stop. */
const MARKER_LOOKS: Record<CurveMarker['kind'], { label: string; style: 'triangle' | 'crossRot' | 'rect'; color: 'focus' | 'error' | 'warning'; filled: boolean }> = {
  'restore': { label: 'restored from a checkpoint', style: 'triangle', color: 'focus', filled: false },
  'stop': { label: 'stopped early', style: 'crossRot', color: 'error', filled: true },
  'user-stop': { label: 'stopped by the user', style: 'rect', color: 'warning', filled: false },
};

/** A result's timestamp (Unix seconds) as the local time of day. */
function clockTime(seconds: number): string {
  return new Date(seconds * 1000).toLocaleTimeString([], { hour12: false });
}

const ORDER: Record<CurveRole, number> = { best: 1, selected: 2, hovered: 2, running: 3, other: 4 };

export class CurvesView {
  readonly chart: Chart<'line', Array<{ x: number; y: number }>>;
  readonly layer = new PaintedCurves();
  hoverId: string | undefined;
  private readonly pool = new DatasetPool<Dataset>();
  private readonly alphas = new Map<string, string>();
  private pendingHover = false;
  private metric = '';
  private axis: XAxis = 'training_iteration';
  /** The zoomed-in ranges; unset: the whole curves. Forgotten when the axes change. */
  zoom: { x: { min: number; max: number }; y: { min: number; max: number } } | undefined;
  private zoomKey = '';
  private drag: (Drag & { pan: boolean }) | undefined;
  /** A drag just ended: the click the browser sends after it selects nothing. */
  private dragged = false;
  private readonly box = document.createElement('div');
  readonly resetButton = document.createElement('button');

  constructor(
    canvas: HTMLCanvasElement,
    private palette: Palette,
    private readonly ctx: CurvesContext,
  ) {
    this.chart = new Chart(canvas, {
      type: 'line',
      data: { datasets: [] },
      plugins: [this.layer.plugin],
      options: this.options(),
    });
    canvas.addEventListener('mouseleave', () => this.setHover(undefined));
    this.box.className = 'zoom-box';
    this.box.hidden = true;
    canvas.parentElement?.append(this.box);
    this.resetButton.type = 'button';
    this.resetButton.textContent = 'Reset zoom';
    this.resetButton.title = 'Show the whole curves again (or double-click the chart)';
    this.resetButton.hidden = true;
    this.resetButton.addEventListener('click', () => this.setZoom(undefined));
    canvas.addEventListener('dblclick', () => this.setZoom(undefined));
    canvas.addEventListener('mousedown', (e) => {
      if (e.button !== 0) return;
      this.drag = { x0: e.offsetX, y0: e.offsetY, x1: e.offsetX, y1: e.offsetY, pan: e.shiftKey };
    });
    canvas.addEventListener('mousemove', (e) => {
      if (!this.drag) return;
      Object.assign(this.drag, { x1: e.offsetX, y1: e.offsetY });
      if (!this.drag.pan) this.showBox(zoomBox(this.drag, this.area()));
    });
    window.addEventListener('mouseup', (e) => this.endDrag(e, canvas));
  }

  private area(): PixelBox {
    const a = this.chart.chartArea;
    return { left: a.left, right: a.right, top: a.top, bottom: a.bottom };
  }

  private showBox(b: PixelBox | undefined): void {
    this.box.hidden = !b;
    if (b) Object.assign(this.box.style, { left: `${b.left}px`, top: `${b.top}px`, width: `${b.right - b.left}px`, height: `${b.bottom - b.top}px` });
  }

  private endDrag(e: MouseEvent, canvas: HTMLCanvasElement): void {
    const drag = this.drag;
    this.drag = undefined;
    this.showBox(undefined);
    if (!drag) return;
    const r = canvas.getBoundingClientRect();
    Object.assign(drag, { x1: e.clientX - r.left, y1: e.clientY - r.top });
    const area = this.area();
    const target = drag.pan ? (Math.hypot(drag.x1 - drag.x0, drag.y1 - drag.y0) >= 5 ? panBox(drag, area) : undefined) : zoomBox(drag, area);
    if (!target) return;
    this.dragged = true;
    setTimeout(() => (this.dragged = false), 0);
    const x = this.chart.scales.x;
    const y = this.chart.scales.y;
    const range = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? undefined : { min: Math.min(a, b), max: Math.max(a, b) });
    const xr = range(x.getValueForPixel(target.left), x.getValueForPixel(target.right));
    const yr = range(y.getValueForPixel(target.bottom), y.getValueForPixel(target.top));
    if (xr && yr && xr.max > xr.min && yr.max > yr.min) this.setZoom({ x: xr, y: yr });
  }

  /** Zooms to `zoom` (unset: the whole curves) and redraws. */
  setZoom(zoom: CurvesView['zoom']): void {
    this.zoom = zoom;
    this.applyZoom();
    this.chart.update('none');
  }

  private applyZoom(): void {
    const scales = this.chart.options.scales!;
    Object.assign(scales.x!, { min: this.zoom?.x.min, max: this.zoom?.x.max });
    Object.assign(scales.y!, { min: this.zoom?.y.min, max: this.zoom?.y.max });
    this.resetButton.hidden = !this.zoom;
  }

  setPalette(palette: Palette): void {
    this.palette = palette;
    this.chart.options = this.options();
    // chart.options reads the old resolved options until an update resolves the new ones.
    this.chart.update('none');
  }

  render(plan: CurvePlan, metric: string, axis: XAxis, selectionActive: boolean, yLog = false): void {
    this.metric = metric;
    this.axis = axis;
    const p = this.palette;
    const count = plan.background.length;
    const dim = selectionActive ? 0.12 : count > 200 ? 0.22 : count > 24 ? 0.4 : 0.85;
    const lines: LayerLine[] = [
      // Raw values behind their smoothed curves, as TensorBoard draws them; not hover targets.
      ...plan.raw.map((r) => ({ points: r.points, color: this.alpha(this.ctx.colorOf(r.trialId), selectionActive ? 0.08 : 0.2), dashed: false })),
      ...plan.superseded.map((s) => ({ points: s.points, color: this.alpha(this.ctx.colorOf(s.trialId), 0.35), dashed: true })),
      ...plan.background.map((l) => ({ points: l.points, color: this.alpha(this.ctx.colorOf(l.trialId), dim), dashed: false, trialId: l.trialId })),
    ];
    this.layer.setLines(lines);
    this.layer.setLive(plan.live.map((l) => ({ points: l.points, color: selectionActive ? this.alpha(this.ctx.colorOf(l.trialId), 0.25) : this.ctx.colorOf(l.trialId), dashed: false, trialId: l.trialId })));
    const datasets: Dataset[] = plan.foreground.map((line) => {
      const color = line.role === 'best' ? p.best : this.ctx.colorOf(line.trialId);
      const emphasised = line.role === 'best' || line.role === 'selected' || line.role === 'hovered';
      return this.pool.take(line.trialId, {
        label: line.trialId,
        trialId: line.trialId,
        data: line.points as Array<{ x: number; y: number }>,
        borderColor: selectionActive && !emphasised ? this.alpha(color, 0.25) : color,
        borderWidth: emphasised ? 3 : 1.5,
        pointRadius: 0,
        pointHoverRadius: 4,
        pointHitRadius: 4,
        tension: 0,
        order: ORDER[line.role],
      });
    });
    for (const kind of ['restore', 'stop', 'user-stop'] as const) {
      // Sorted by x: with parsing off, chart.js assumes it when finding what is visible.
      const markers = plan.markers.filter((m) => m.kind === kind).sort((a, b) => a.x - b.x);
      const look = MARKER_LOOKS[kind];
      const color = p[look.color];
      datasets.push(this.pool.take(`marker:${kind}`, {
        label: look.label,
        marker: kind,
        data: markers,
        showLine: false,
        pointStyle: look.style,
        pointRadius: 6,
        pointHoverRadius: 8,
        pointBorderWidth: 2,
        borderColor: color,
        backgroundColor: look.filled ? color : withAlpha(color, 0.5),
        order: 0,
      }));
    }
    this.pool.sweep();
    // Suggested (not fixed) ends: the background layer's curves count, and ticks stay round.
    const b = plan.bounds;
    const scales = this.chart.options.scales!;
    Object.assign(scales.x!, { suggestedMin: b.xMin, suggestedMax: b.xMax, title: { display: true, text: xAxisLabel(axis) } });
    scales.x!.ticks!.callback = axis === 'wall_time' ? (v) => clockTime(Number(v)) : (v) => formatNumber(Number(v));
    Object.assign(scales.y!, { type: yLog ? 'logarithmic' : 'linear', suggestedMin: b.yMin, suggestedMax: b.yMax, title: { display: true, text: metric } });
    scales.y!.ticks!.callback = yLog
      ? function (v) {
          return logTickLabel(Number(v), this.min, this.max, this.height, 18);
        }
      : (v) => formatNumber(Number(v));
    // A metric on x need not grow with each row, and chart.js's bisection would skip points.
    this.chart.options.normalized = !axis.startsWith('metric:');
    const zoomKey = `${metric}\u0000${axis}\u0000${yLog}`;
    if (zoomKey !== this.zoomKey) {
      this.zoomKey = zoomKey;
      this.zoom = undefined;
    }
    this.applyZoom();
    this.chart.data.datasets = datasets;
    this.chart.update('none');
  }

  private options(): Chart<'line'>['options'] {
    const p = this.palette;
    const base = baseOptions<'line'>(p);
    return {
      ...base,
      parsing: false,
      // Curves are sorted by x, which lets chart.js find the visible range by bisection.
      normalized: true,
      spanGaps: false,
      interaction: { mode: 'nearest', intersect: false, axis: 'xy' },
      scales: {
        x: { type: 'linear', grid: { color: p.grid }, ticks: { color: p.muted } },
        y: { type: 'linear', grid: { color: p.grid }, ticks: { color: p.muted } },
      },
      onHover: (event, elements) => this.hover(event.x ?? 0, event.y ?? 0, elements),
      onClick: (event, elements) => {
        if (this.dragged) return;
        const el = elements[0];
        const id = el && this.trialAt(el.datasetIndex, el.index);
        if (id) this.ctx.onSelect(id, gestureOf(event.native as MouseEvent | null));
      },
      plugins: {
        ...base.plugins,
        tooltip: {
          ...base.plugins!.tooltip,
          callbacks: {
            title: (items) => (items[0] ? this.titleOf(items[0]) : ''),
            label: (item) => this.labelOf(item),
            afterLabel: (item) => {
              const id = this.trialAt(item.datasetIndex, item.dataIndex);
              return id ? this.ctx.describe(id) : [];
            },
          },
        },
      },
    };
  }

  /** Theme colours with an alpha, parsed once per colour rather than once per curve per redraw. */
  private alpha(color: string, alpha: number): string {
    const key = `${color}\u0000${alpha}`;
    let c = this.alphas.get(key);
    if (!c) this.alphas.set(key, (c = withAlpha(color, alpha)));
    return c;
  }

  private trialAt(datasetIndex: number, index: number): string | undefined {
    const ds = this.chart.data.datasets[datasetIndex] as Dataset | undefined;
    if (!ds) return undefined;
    return ds.marker ? (ds.data[index] as unknown as CurveMarker | undefined)?.trialId : ds.trialId;
  }

  private titleOf(item: TooltipItem<'line'>): string {
    const id = this.trialAt(item.datasetIndex, item.dataIndex);
    return id ? `trial ${id}` : '';
  }

  private labelOf(item: TooltipItem<'line'>): string {
    const ds = item.dataset as Dataset;
    if (ds.marker) return (item.raw as CurveMarker).text;
    const p = item.raw as { x: number; y: number };
    const x = this.axis === 'wall_time' ? clockTime(p.x) : formatNumber(p.x);
    return `${this.metric} ${formatNumber(p.y)} at ${xAxisLabel(this.axis)} ${x}`;
  }

  /** The nearest curve wins, whether it is a dataset or in the background layer. */
  private hover(px: number, py: number, elements: Array<{ datasetIndex: number; index: number; element: { x: number; y: number } }>): void {
    const near = elements[0];
    const foregroundDistance = near ? Math.hypot(near.element.x - px, near.element.y - py) : Infinity;
    const background = this.layer.nearest(this.chart as unknown as Chart, px, py, 10);
    if (background && background.distance < foregroundDistance) {
      this.setHover(background.trialId);
    } else if (this.hoverId && (!near || this.trialAt(near.datasetIndex, near.index) !== this.hoverId)) {
      this.setHover(undefined);
    }
  }

  private setHover(id: string | undefined): void {
    if (id === this.hoverId) return;
    this.hoverId = id;
    if (this.pendingHover) return;
    // Re-planning inside chart.js's own event handler would update the chart re-entrantly.
    this.pendingHover = true;
    requestAnimationFrame(() => {
      this.pendingHover = false;
      this.ctx.onHover();
    });
  }
}
