/**
 * The machine as the resource view shows it: hardware detected once (again on request), and
 * GPU memory and utilisation refreshed every few seconds while an experiment runs.
 */
import { SlurmCommands } from '../backends/slurm/slurm_commands';
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
  slurm?: Pick<SlurmCommands, 'partitions' | 'nodes'>;
}

const REFRESH_MS = 3000;
const CLUSTER_REFRESH_MS = 5000;

export class ResourceView {
  private hardware: Promise<HardwareReport> | undefined;
  private gpus: GpuInfo[] | undefined;
  private timer: NodeJS.Timeout | undefined;
  private cluster: { at: number; value: MachineView['cluster'] } | undefined;

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
    if (live.some((exp) => exp.trials.some((t) => t.job))) machine.cluster = await this.clusterView();
    return projectResources(machine, live);
  }

  /** sinfo and scontrol, at most every few seconds however often the view redraws. */
  private async clusterView(): Promise<MachineView['cluster']> {
    const now = Date.now();
    if (this.cluster && now - this.cluster.at < CLUSTER_REFRESH_MS) return this.cluster.value;
    try {
      const slurm = this.options.slurm ?? new SlurmCommands();
      const [partitions, nodes] = await Promise.all([slurm.partitions(), slurm.nodes()]);
      const value = {
        partitions: partitions.map(({ name, isDefault, up, nodes: count, cpusPerNode, gpusPerNode }) => ({ name, isDefault, up, nodes: count, cpusPerNode, gpusPerNode })),
        nodes: nodes.map(({ name, state, cpus, cpusAllocated, gpus, gpusAllocated }) => ({ name, state, cpus, cpusAllocated, gpus, gpusAllocated })),
      };
      this.cluster = { at: now, value };
      return value;
    } catch (err) {
      this.options.onError(err as Error);
      return this.cluster?.value;
    }
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
