/**
 * The concurrency slots timeline: a lane per CPU slot and GPU device, a bar for each span a
 * trial held it, waiting spans on their own lanes, and restart gaps outlined in red.
 */
import type { ChartDataset, ScriptableContext } from 'chart.js';
import { withAlpha } from '../model/color';
import { formatDuration } from '../model/format';
import type { SelectGesture } from '../model/selection';
import type { LaneBar, RestartGap, Timeline } from '../model/timeline_lanes';
import { baseOptions, Chart } from './charts';
import { DatasetPool } from './dataset_pool';
import { gestureOf } from './gestures';
import type { Palette } from './theme';

interface BarDatum {
  x: [number, number];
  y: string;
  trialId: string;
  text: string;
}

type BarDataset = ChartDataset<'bar', BarDatum[]> & { role: 'holding' | 'waiting' | 'gap' };

export interface TimelineContext {
  colorOf(trialId: string): string;
  isSelected(trialId: string): boolean;
  selectionActive(): boolean;
  onSelect(trialId: string, gesture: SelectGesture): void;
}

const LANE_PX = 16;

export class TimelineView {
  readonly chart: Chart<'bar', BarDatum[]>;
  private readonly pool = new DatasetPool<BarDataset>();

  constructor(
    canvas: HTMLCanvasElement,
    private readonly box: HTMLElement,
    private palette: Palette,
    private readonly ctx: TimelineContext,
  ) {
    this.chart = new Chart(canvas, { type: 'bar', data: { labels: [], datasets: [] }, options: this.options() });
  }

  setPalette(palette: Palette): void {
    this.palette = palette;
    this.chart.options = this.options();
    // chart.options reads the old resolved options until an update resolves the new ones.
    this.chart.update('none');
  }

  render(timeline: Timeline): void {
    const label = (lane: number) => timeline.lanes[lane]?.label ?? '';
    const span = (a: number, b: number) => `${formatDuration(a)}–${formatDuration(b)}`;
    const holding = (b: LaneBar): BarDatum => ({
      x: [b.start, b.end],
      y: label(b.lane),
      trialId: b.trialId,
      text: `held ${label(b.lane)}${b.fraction < 1 ? ` (${b.fraction})` : ''} ${span(b.start, b.end)}${b.open ? ', still running' : `; ${b.detail}`}`,
    });
    const waiting = (b: LaneBar): BarDatum => ({ x: [b.start, b.end], y: label(b.lane), trialId: b.trialId, text: `waited ${span(b.start, b.end)}: ${b.detail}` });
    const gap = (g: RestartGap): BarDatum => ({ x: [g.start, g.end], y: label(g.lane), trialId: g.trialId, text: `restart gap ${span(g.start, g.end)}: ${g.reason}` });
    const color = (c: ScriptableContext<'bar'>, alpha: number) => {
      const d = c.raw as BarDatum | undefined;
      if (!d) return 'transparent';
      const dimmed = this.ctx.selectionActive() && !this.ctx.isSelected(d.trialId);
      return withAlpha(this.ctx.colorOf(d.trialId), dimmed ? alpha * 0.25 : alpha);
    };
    const common = { grouped: false, barPercentage: 0.85, categoryPercentage: 1, borderSkipped: false } as const;
    // Held bars go in one dataset per colour: chart.js then resolves one style per dataset,
    // not one per bar, which is most of the cost with a thousand bars.
    const byColor = new Map<string, BarDatum[]>();
    const selectedBars: BarDatum[] = [];
    for (const bar of timeline.bars) {
      if (bar.kind !== 'holding') continue;
      const datum = holding(bar);
      if (this.ctx.isSelected(bar.trialId)) selectedBars.push(datum);
      else {
        const c = this.ctx.colorOf(bar.trialId);
        const list = byColor.get(c);
        if (list) list.push(datum);
        else byColor.set(c, [datum]);
      }
    }
    const dim = this.ctx.selectionActive() ? 0.2 : 0.85;
    const datasets: BarDataset[] = [
      ...[...byColor].map(([c, data]): BarDataset => ({ ...common, role: 'holding', label: 'held', data, backgroundColor: withAlpha(c, dim), borderWidth: 0 })),
      { ...common, role: 'holding', label: 'held', data: selectedBars, backgroundColor: (c) => color(c, 1), borderColor: this.palette.foreground, borderWidth: 1 },
      {
        ...common,
        role: 'waiting',
        label: 'waiting',
        data: timeline.bars.filter((b) => b.kind === 'waiting').map(waiting),
        backgroundColor: (c) => color(c, 0.2),
        borderColor: (c) => color(c, 0.9),
        borderWidth: 1,
      },
      { ...common, role: 'gap', label: 'restart gap', data: timeline.gaps.map(gap), backgroundColor: 'transparent', borderColor: this.palette.error, borderWidth: 1.5 },
    ];
    this.chart.data.labels = timeline.lanes.map((l) => l.label);
    this.chart.data.datasets = datasets.map((d) => this.pool.take(`${d.role}:${d.label}:${typeof d.backgroundColor === 'string' ? d.backgroundColor : 'by trial'}`, d));
    this.pool.sweep();
    Object.assign(this.chart.options.scales!.x!, { max: Math.max(timeline.span, 1) });
    const height = `${Math.max(120, timeline.lanes.length * LANE_PX + 48)}px`;
    if (this.box.style.height !== height) {
      this.box.style.height = height;
      // Resizing now draws the new data once; leaving it to the ResizeObserver would draw twice.
      this.chart.resize();
    } else {
      this.chart.update('none');
    }
  }

  private options(): Chart<'bar', BarDatum[]>['options'] {
    const p = this.palette;
    const base = baseOptions<'bar'>(p);
    return {
      ...base,
      indexAxis: 'y',
      interaction: { mode: 'nearest', intersect: true, axis: 'xy' },
      scales: {
        x: { type: 'linear', min: 0, grid: { color: p.grid }, ticks: { color: p.muted, callback: (v) => formatDuration(Number(v)) } },
        y: { type: 'category', grid: { display: false }, ticks: { color: p.muted, autoSkip: false } },
      },
      onClick: (event, elements) => {
        const el = elements[0];
        const d = el && (this.chart.data.datasets[el.datasetIndex]?.data[el.index] as BarDatum | undefined);
        if (d) this.ctx.onSelect(d.trialId, gestureOf(event.native as MouseEvent | null));
      },
      plugins: {
        ...base.plugins,
        tooltip: {
          ...base.plugins!.tooltip,
          callbacks: {
            title: (items) => (items[0] ? `trial ${(items[0].raw as BarDatum).trialId}` : ''),
            label: (item) => (item.raw as BarDatum).text,
          },
        },
      },
    };
  }
}
