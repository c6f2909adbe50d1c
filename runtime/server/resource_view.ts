/**
 * The machine as the resource view shows it: hardware detected once (again on request), and
 * GPU memory and utilisation refreshed every few seconds while an experiment runs.
 */
import { detectHardware } from '../hardware/detect';
import { queryGpuUtilization } from '../hardware/nvidia_smi';
import type { GpuInfo, HardwareReport } from '../hardware/report';
import type { ResourceSnapshot } from '../../protocol/runtime_api';
import { projectResources, type LiveResources, type MachineView } from './state_projection';

export interface ResourceViewOptions {
  /** The GPU readings changed. */
  onChange: () => void;
  onError: (err: Error) => void;
  refreshMs?: number;
  detect?: () => Promise<HardwareReport>;
  queryGpus?: () => Promise<GpuInfo[]>;
}

const REFRESH_MS = 3000;

export class ResourceView {
  private hardware: Promise<HardwareReport> | undefined;
  private gpus: GpuInfo[] | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: ResourceViewOptions) {}

  /** The detected machine; detection runs on first use. */
  report(): Promise<HardwareReport> {
    this.hardware ??= (this.options.detect ?? detectHardware)();
    return this.hardware;
  }

  /** A fresh detection (the user asked), which the view then shows. */
  async redetect(): Promise<HardwareReport> {
    const fresh = (this.options.detect ?? detectHardware)();
    this.hardware = fresh;
    const report = await fresh;
    this.gpus = report.gpus;
    this.options.onChange();
    return report;
  }

  async snapshot(live: readonly LiveResources[]): Promise<ResourceSnapshot> {
    const report = await this.report();
    const machine: MachineView = { cpuTotal: report.cpu.logical, gpus: this.gpus ?? report.gpus };
    return projectResources(machine, live);
  }

  /** Refreshes GPU readings while something runs; stops when nothing does. */
  setActive(active: boolean): void {
    if (!active) {
      if (this.timer) clearInterval(this.timer);
      this.timer = undefined;
      return;
    }
    if (this.timer) return;
    this.timer = setInterval(() => void this.refresh(), this.options.refreshMs ?? REFRESH_MS);
  }

  private async refresh(): Promise<void> {
    try {
      const report = await this.report();
      if (report.gpuSource !== 'nvidia-smi') return;
      const gpus = await (this.options.queryGpus ?? queryGpuUtilization)();
      // A failed reading (nvidia-smi busy or gone) keeps the last one rather than dropping the GPUs.
      if (gpus.length === 0) return;
      this.gpus = gpus;
      this.options.onChange();
    } catch (err) {
      this.options.onError(err as Error);
    }
  }
}
