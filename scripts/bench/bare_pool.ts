import { spawn } from 'node:child_process';

export interface PoolJob {
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/**
 * Runs `count` copies of one command, at most `slots` at a time, as plainly as Node
 * can: the floor any process scheduler on this machine faces. Resolves with wall seconds.
 */
export function runBarePool(job: PoolJob, count: number, slots: number): Promise<number> {
  const started = process.hrtime.bigint();
  let launched = 0;
  let finished = 0;
  return new Promise((resolve, reject) => {
    const next = () => {
      if (finished === count) return resolve(Number(process.hrtime.bigint() - started) / 1e9);
      if (launched === count) return;
      launched++;
      const child = spawn(job.command, job.args, { cwd: job.cwd, env: job.env, stdio: 'ignore' });
      child.once('error', reject);
      child.once('exit', (code) => {
        if (code !== 0) return reject(new Error(`${job.command} ${job.args.join(' ')} exited with code ${code}`));
        finished++;
        next();
      });
    };
    for (let i = 0; i < Math.min(slots, count); i++) next();
  });
}
