/**
 * `node dist/runtime/server.js --socket <path> [--idle-exit-s N] [--log-file F]`, or `--stdio`:
 * the runtime the VS Code extension talks to, as a language server that hosts experiments.
 */
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from '../app/command_line';
import { ExperimentHost } from './experiment_host';
import { RuntimeDaemon } from './runtime_daemon';
import { RuntimeLog } from './runtime_log';
import { socketDirProblem } from './socket_place';

const USAGE = 'usage: server.js (--socket PATH | --stdio) [--idle-exit-s SECONDS] [--log-file FILE]';
const DAEMON_FLAGS = { socket: { type: 'string' }, stdio: { type: 'boolean' }, 'idle-exit-s': { type: 'string' }, 'log-file': { type: 'string' } } as const;

function packageVersion(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? '0.0.0';
  }
  return '0.0.0';
}

async function main(argv: string[]): Promise<number | undefined> {
  let args;
  try {
    args = parseArgs(argv, { flags: DAEMON_FLAGS, positionals: 0, usage: USAGE });
  } catch (err) {
    process.stderr.write(`tunekit runtime: ${(err as Error).message}\n`);
    return 2;
  }
  const socketArg = args.flags.get('socket');
  const stdio = args.flags.has('stdio');
  const idleExitS = Number(args.flags.get('idle-exit-s') ?? 10);
  if ((typeof socketArg !== 'string') === !stdio || !Number.isFinite(idleExitS) || idleExitS < 0) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const socketPath = typeof socketArg === 'string' ? resolve(socketArg) : '';
  if (socketPath) {
    const problem = await socketDirProblem(dirname(socketPath));
    if (problem) {
      process.stderr.write(`tunekit runtime: ${problem}\n`);
      return 2;
    }
  }
  const logArg = args.flags.get('log-file');
  const logFile = typeof logArg === 'string' ? resolve(logArg) : socketPath ? join(dirname(socketPath), 'runtime.log') : join(tmpdir(), `tunekit-runtime-${process.pid}.log`);
  const log = new RuntimeLog(logFile);
  process.on('uncaughtException', (err) => log.error(`uncaught: ${err.stack ?? err.message}`));
  process.on('unhandledRejection', (err) => log.error(`unhandled rejection: ${(err as Error)?.stack ?? String(err)}`));

  const host = new ExperimentHost({ log });
  const info = { pid: process.pid, logFile, socketPath, version: packageVersion() };
  const daemon = new RuntimeDaemon({ host, log, info, idleExitS, onExit: (code) => process.exit(code) });
  if (socketPath && !(await daemon.listen(socketPath))) {
    log.info(`another runtime already serves ${socketPath}; this one exits`);
    return 0;
  }
  if (stdio) daemon.attach(process.stdin, process.stdout, () => process.stdin.destroy());
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => void daemon.shutdown(`interrupted by ${signal}`));
  log.info(`runtime ${info.version} started (${socketPath ? `socket ${socketPath}` : 'stdio'}, idle exit after ${idleExitS} s)`);
  return undefined;
}

void main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exit(code);
  },
  (err: Error) => {
    process.stderr.write(`tunekit runtime: ${err.message}\n`);
    process.exit(1);
  },
);
