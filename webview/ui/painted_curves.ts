/**
 * A chart.js plugin that paints curves under the datasets without making them datasets:
 * the background (finished trials, superseded runs) as one cached bitmap, repainted only
 * when those curves, the scales or the chart's size change; and the live curves (running
 * trials) straight onto the canvas on every draw. With 1,000 trials, drawing them as
 * datasets would cost most of each live redraw.
 */
import type { Chart, Plugin } from 'chart.js';
import type { XY } from '../model/series';

export interface LayerLine {
  points: readonly XY[];
  color: string;
  dashed: boolean;
  /** Set on lines that hovering may promote to a dataset. */
  trialId?: string;
}

export class PaintedCurves {
  private lines: readonly LayerLine[] = [];
  private live: readonly LayerLine[] = [];
  private readonly canvas = document.createElement('canvas');
  private key = '';
  private linesVersion = 0;
  /** Times the bitmap was repainted; the browser tests read it. */
  repaints = 0;

  readonly plugin: Plugin<'line'> = {
    id: 'tunekitPaintedCurves',
    beforeDatasetsDraw: (chart) => this.draw(chart as unknown as Chart),
  };

  /** Curves painted afresh on every draw, above the cached ones. */
  setLive(lines: readonly LayerLine[]): void {
    this.live = lines;
  }

  /** The cached curves; bumps the version only when something would draw differently. */
  setLines(lines: readonly LayerLine[]): void {
    const same =
      lines.length === this.lines.length &&
      lines.every((l, i) => l.points === this.lines[i].points && l.color === this.lines[i].color && l.dashed === this.lines[i].dashed && l.trialId === this.lines[i].trialId);
    if (same) return;
    this.lines = lines;
    this.linesVersion++;
  }

  /** The hoverable line nearest to a pixel, within `maxDistance` CSS pixels. */
  nearest(chart: Chart, px: number, py: number, maxDistance: number): { trialId: string; distance: number } | undefined {
    const x = chart.scales.x;
    const y = chart.scales.y;
    const lo = x.getValueForPixel(px - maxDistance) ?? -Infinity;
    const hi = x.getValueForPixel(px + maxDistance) ?? Infinity;
    let best: { trialId: string; distance: number } | undefined;
    for (const line of [...this.lines, ...this.live]) {
      if (line.trialId === undefined) continue;
      for (const p of line.points) {
        if (p.x < lo || p.x > hi) continue;
        const d = Math.hypot(x.getPixelForValue(p.x) - px, y.getPixelForValue(p.y) - py);
        if (d <= maxDistance && (!best || d < best.distance)) best = { trialId: line.trialId, distance: d };
      }
    }
    return best;
  }

  private draw(chart: Chart): void {
    const area = chart.chartArea;
    const x = chart.scales.x;
    const y = chart.scales.y;
    if (!area || !x || !y) return;
    if (this.lines.length) {
      const key = [area.left, area.top, area.right, area.bottom, x.type, x.min, x.max, y.type, y.min, y.max, chart.canvas.width, chart.canvas.height, this.linesVersion].join();
      if (key !== this.key) {
        this.key = key;
        this.paint(chart);
      }
      chart.ctx.drawImage(this.canvas, 0, 0, chart.width, chart.height);
    }
    if (this.live.length) {
      chart.ctx.save();
      strokeLines(chart, chart.ctx, this.live, 1.5);
      chart.ctx.restore();
    }
  }

  private paint(chart: Chart): void {
    const ratio = chart.currentDevicePixelRatio;
    this.canvas.width = chart.canvas.width;
    this.canvas.height = chart.canvas.height;
    const ctx = this.canvas.getContext('2d')!;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    strokeLines(chart, ctx, this.lines, 1);
    this.repaints++;
  }
}

/**
 * Strokes lines in data coordinates, clipped to the chart area. Lines of one colour and dash
 * go into one path: a stroke per line costs more than the lines themselves with 1,000 trials.
 */
function strokeLines(chart: Chart, ctx: CanvasRenderingContext2D, lines: readonly LayerLine[], width: number): void {
  const area = chart.chartArea;
  const x = chart.scales.x;
  const y = chart.scales.y;
  ctx.beginPath();
  ctx.rect(area.left, area.top, area.right - area.left, area.bottom - area.top);
  ctx.clip();
  ctx.lineWidth = width;
  ctx.lineJoin = 'round';
  const groups = new Map<string, LayerLine[]>();
  for (const line of lines) {
    const key = `${line.dashed ? 'dashed' : 'solid'}\u0000${line.color}`;
    const group = groups.get(key);
    if (group) group.push(line);
    else groups.set(key, [line]);
  }
  for (const group of groups.values()) {
    ctx.strokeStyle = group[0].color;
    ctx.setLineDash(group[0].dashed ? [4, 3] : []);
    ctx.beginPath();
    for (const line of group) {
      line.points.forEach((p, i) => {
        const px = x.getPixelForValue(p.x);
        const py = y.getPixelForValue(p.y);
        if (i === 0) ctx.moveTo(px, py);
        else ctx.lineTo(px, py);
      });
    }
    ctx.stroke();
  }
}
