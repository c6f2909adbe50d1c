/**
 * The e2e suite's entry: VS Code's test host calls run() inside the extension host of a
 * real code-server window (see test/e2e/run.mjs); a rejection fails the run.
 */
import { runAll } from './harness';
import './extension_cases';
import './run_cases';

export async function run(): Promise<void> {
  const { failed } = await runAll((line) => console.log(line));
  if (failed > 0) throw new Error(`${failed} e2e test(s) failed`);
}
