/**
 * The concurrency slots timeline: a lane per CPU slot and GPU device, a bar for each span a
 * trial held it, restart gaps outlined in red, and one waiting lane shaded by how many
 * trials wait (the count written in it), with selected trials' own waits outlined on it.
 */
import type { ChartDataset, Plugin, ScriptableContext } from 'chart.js';
import { withAlpha } from '../model/color';
import { formatDuration } from '../../protocol/format';
import type { SelectGesture } from '../model/selection';
import type { LaneBar, QueueSpan, RestartGap, Timeline } from '../model/timeline_lanes';
import { baseOptions, Chart } from './charts';
import { DatasetPool } from './dataset_pool';
import { gestureOf } from './gestures';
import type { Palette } from './theme';

interface BarDatum {
  x: [number, number];
  y: string;
  trialId: string;
  text: string;
  /** Queue spans: how many trials wait over it. */
  count?: number;
}

type BarDataset = ChartDataset<'bar', BarDatum[]> & { role: 'holding' | 'waiting' | 'queue' | 'gap' };

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
    this.chart = new Chart(canvas, { type: 'bar', data: { labels: [], datasets: [] }, options: this.options(), plugins: [this.countsPlugin()] });
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
    const waitLane = timeline.lanes.findIndex((l) => l.kind === 'waiting');
    const reasons = new Map(timeline.bars.filter((b) => b.kind === 'waiting').map((b) => [b.trialId, b.detail]));
    const queued = (q: QueueSpan): BarDatum => {
      const names = q.trialIds.length > 6 ? `${q.trialIds.slice(0, 6).join(', ')} and ${q.trialIds.length - 6} more` : q.trialIds.join(', ');
      const why = [...new Set(q.trialIds.map((id) => reasons.get(id)).filter(Boolean))].slice(0, 2).join('; ');
      return { x: [q.start, q.end], y: label(waitLane), trialId: q.trialIds[0], count: q.trialIds.length, text: `${q.trialIds.length} waiting ${span(q.start, q.end)}: ${names}${why ? ` (${why})` : ''}` };
    };
    const deepest = Math.max(1, ...timeline.queue.map((q) => q.trialIds.length));
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
        role: 'queue',
        label: 'waiting',
        data: timeline.queue.map(queued),
        backgroundColor: (c) => withAlpha(this.palette.warning, 0.15 + 0.6 * (((c.raw as BarDatum | undefined)?.count ?? 0) / deepest)),
        borderWidth: 0,
      },
      {
        ...common,
        role: 'waiting',
        label: 'selected waiting',
        data: timeline.bars.filter((b) => b.kind === 'waiting' && this.ctx.isSelected(b.trialId)).map(waiting),
        backgroundColor: 'transparent',
        borderColor: (c) => color(c, 1),
        borderWidth: 2,
        barPercentage: 0.5,
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

  /** Writes the queue's length inside each waiting span wide enough to hold it. */
  private countsPlugin(): Plugin<'bar'> {
    return {
      id: 'tunekitQueueCounts',
      afterDatasetsDraw: (chart) => {
        const i = chart.data.datasets.findIndex((d) => (d as unknown as BarDataset).role === 'queue');
        if (i < 0) return;
        const { ctx } = chart;
        ctx.save();
        ctx.font = `${Math.max(9, this.palette.fontSize - 3)}px ${this.palette.fontFamily}`;
        ctx.fillStyle = this.palette.foreground;
        ctx.textAlign = 'center';
        ctx.textBaseline = 'middle';
        chart.getDatasetMeta(i).data.forEach((bar, k) => {
          const d = chart.data.datasets[i].data[k] as unknown as BarDatum;
          const { x, base, y } = bar.getProps(['x', 'base', 'y'], true) as { x: number; base: number; y: number };
          const text = String(d.count ?? '');
          if (Math.abs(x - base) > ctx.measureText(text).width + 4) ctx.fillText(text, (x + base) / 2, y);
        });
        ctx.restore();
      },
    };
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
