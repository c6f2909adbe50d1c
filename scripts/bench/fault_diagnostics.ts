/** Figures the fault-suite tests print as `t.diagnostic` lines, read back from TAP output. */

export interface FaultFigures {
  workerKills: number[];
  runtimeKills: number[];
  /** Seconds from each `tunekit resume` after a runtime kill to its first progress. */
  resumeSeconds: number[];
}

const WORKER = /^\s*# worker kills: (\d+)\s*$/;
const RUNTIME = /^\s*# runtime kills: (\d+); resume to progress \(s\):(.*)$/;

export function readFaultDiagnostics(tap: string): FaultFigures {
  const figures: FaultFigures = { workerKills: [], runtimeKills: [], resumeSeconds: [] };
  for (const line of tap.split('\n')) {
    const worker = WORKER.exec(line);
    if (worker) figures.workerKills.push(Number(worker[1]));
    const runtime = RUNTIME.exec(line);
    if (runtime) {
      figures.runtimeKills.push(Number(runtime[1]));
      figures.resumeSeconds.push(...runtime[2].split(',').map((s) => s.trim()).filter(Boolean).map(Number));
    }
  }
  return figures;
}
