/**
 * The runtime's one logger: timestamped lines appended to `runtime.log`. Synchronous appends,
 * so the last words before an exit are never lost; the runtime logs lifecycle, not metrics.
 */
import { appendFileSync } from 'node:fs';

export type LogLevel = 'info' | 'warn' | 'error';

export class RuntimeLog {
  constructor(readonly file: string) {}

  info(message: string): void {
    this.write('info', message);
  }

  warn(message: string): void {
    this.write('warn', message);
  }

  error(message: string): void {
    this.write('error', message);
  }

  private write(level: LogLevel, message: string): void {
    try {
      appendFileSync(this.file, `${new Date().toISOString()} [${level}] pid ${process.pid}: ${message}\n`, { mode: 0o600 });
    } catch {
      // Nowhere else to say it: stdout and stderr may belong to a client or to nobody.
    }
  }
}
