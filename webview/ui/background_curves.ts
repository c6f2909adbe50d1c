/**
 * A chart.js plugin that paints the background curves (and every superseded run) as one
 * cached bitmap under the datasets: with 1,000 trials, redrawing them as datasets on each
 * live update would cost most of a frame. The bitmap is repainted only when the curves,
 * the scales or the chart's size change.
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

export class BackgroundCurves {
  private lines: readonly LayerLine[] = [];
  private readonly canvas = document.createElement('canvas');
  private key = '';
  private linesVersion = 0;
  /** Times the bitmap was repainted; the browser tests read it. */
  repaints = 0;

  readonly plugin: Plugin<'line'> = {
    id: 'tunekitBackgroundCurves',
    beforeDatasetsDraw: (chart) => this.draw(chart as unknown as Chart),
  };

  /** Bumps the version only when something would draw differently. */
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
    for (const line of this.lines) {
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
    if (!area || !x || !y || this.lines.length === 0) return;
    const key = [area.left, area.top, area.right, area.bottom, x.min, x.max, y.min, y.max, chart.canvas.width, chart.canvas.height, this.linesVersion].join();
    if (key !== this.key) {
      this.key = key;
      this.paint(chart);
    }
    chart.ctx.drawImage(this.canvas, 0, 0, chart.width, chart.height);
  }

  private paint(chart: Chart): void {
    const ratio = chart.currentDevicePixelRatio;
    this.canvas.width = chart.canvas.width;
    this.canvas.height = chart.canvas.height;
    const ctx = this.canvas.getContext('2d')!;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    const area = chart.chartArea;
    ctx.beginPath();
    ctx.rect(area.left, area.top, area.right - area.left, area.bottom - area.top);
    ctx.clip();
    ctx.lineWidth = 1;
    ctx.lineJoin = 'round';
    const x = chart.scales.x;
    const y = chart.scales.y;
    for (const line of this.lines) {
      if (line.points.length === 0) continue;
      ctx.strokeStyle = line.color;
      ctx.setLineDash(line.dashed ? [4, 3] : []);
      ctx.beginPath();
      line.points.forEach((p, i) => {
        const px = x.getPixelForValue(p.x);
        const py = y.getPixelForValue(p.y);
        if (i === 0) ctx.moveTo(px, py);
        else ctx.lineTo(px, py);
      });
      ctx.stroke();
    }
    this.repaints++;
  }
}
