import { accessSync, constants } from 'node:fs';

const SETPRIV = '/usr/bin/setpriv';

/**
 * Workers get SIGTERM if their driver dies (Linux parent-death signal through util-linux's
 * setpriv, which then execs the command in place), so a SIGKILLed runtime leaves no worker.
 */
export function withParentDeathSignal(command: string[]): string[] {
  try {
    accessSync(SETPRIV, constants.X_OK);
    return [SETPRIV, '--pdeathsig', 'SIGTERM', '--', ...command];
  } catch {
    return command;
  }
}
