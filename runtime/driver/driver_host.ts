/**
 * A local driver process: it hosts the Trainer drivers of several trials at once, so sixteen
 * concurrent trials cost a few Node processes rather than sixteen (~45 MB each), and its trials'
 * workers share its warm parents. A driver of ours crashing ends every trial it hosts; each is
 * then handled as a failed trial under failure_config, as a lone driver's death always was.
 */
import type { DriverToLauncher, LauncherToDriver } from '../../protocol/driver';
import { TrainerDriver } from './trainer_driver';
import { WarmPool } from './warm_pool';

/** Entry point of a driver process forked by the Tuner with an IPC channel. */
export function runDriverProcess(): void {
  if (!process.send) throw new Error('the Trainer driver must be started by the Tuner (no IPC channel)');
  const send = (msg: DriverToLauncher) => process.send!(msg);
  const warm = new WarmPool();
  const drivers = new Map<string, TrainerDriver>();
  const fromDriver = (msg: DriverToLauncher) => {
    send(msg);
    if (msg.type === 'ended') drivers.delete(msg.trialId);
  };
  process.on('message', (raw) => {
    const msg = raw as LauncherToDriver;
    // The pool ends a driver process with SIGTERM; a 'shutdown' is for a job's driver only.
    if (msg.type === 'shutdown') return;
    if (msg.type === 'launch') {
      if (drivers.has(msg.launch.trialId)) return;
      const driver = new TrainerDriver(fromDriver, warm);
      drivers.set(msg.launch.trialId, driver);
      return driver.handle(msg);
    }
    drivers.get(msg.trialId)?.handle(msg);
  });
  // The Tuner is gone: nothing of ours may outlive it.
  const abandon = () => {
    for (const driver of drivers.values()) driver.killNow();
    warm.stopAll();
    process.exit(0);
  };
  process.on('disconnect', abandon);
  // Ctrl-C reaches the whole terminal group; the Tuner decides how trials stop.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', abandon);
  send({ type: 'ready', pid: process.pid });
}
