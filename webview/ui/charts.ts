/** chart.js, with only the parts the dashboard uses, and the options every chart shares. */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  LineController,
  LineElement,
  LinearScale,
  LogarithmicScale,
  PointElement,
  ScatterController,
  Tooltip,
  type ChartOptions,
  type ChartType,
} from 'chart.js';
import type { Palette } from './theme';

Chart.register(BarController, BarElement, CategoryScale, LineController, LineElement, LinearScale, LogarithmicScale, PointElement, ScatterController, Tooltip);

export { Chart };

export function applyDefaults(palette: Palette): void {
  Chart.defaults.color = palette.foreground;
  Chart.defaults.borderColor = palette.grid;
  Chart.defaults.font.family = palette.fontFamily;
  Chart.defaults.font.size = Math.max(10, palette.fontSize - 1);
}

/** No animation: live data would never settle. */
export function baseOptions<T extends ChartType>(palette: Palette): ChartOptions<T> {
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    events: ['mousemove', 'mouseout', 'click'],
    plugins: {
      tooltip: {
        backgroundColor: palette.background,
        titleColor: palette.foreground,
        bodyColor: palette.foreground,
        borderColor: palette.grid,
        borderWidth: 1,
      },
    },
  } as ChartOptions<T>;
}

/** The chart drawn over the editor background, as a base64 PNG (the canvas alone is transparent). */
export function chartPng(chart: HTMLCanvasElement, background: string): string {
  const canvas = document.createElement('canvas');
  canvas.width = chart.width;
  canvas.height = chart.height;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(chart, 0, 0);
  return canvas.toDataURL('image/png').replace(/^data:image\/png;base64,/, '');
}
