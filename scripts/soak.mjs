// `npm run soak` (after the build): the fault suite's kill tests with large kill counts,
// until TUNEKIT_SOAK_WORKER_KILLS (40) and TUNEKIT_SOAK_RUNTIME_KILLS (12) have landed;
// writes the Soak section of BENCHMARKS.md.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { main } = require('../out/scripts/bench/soak.js');
try {
  process.exitCode = await main();
} catch (err) {
  process.stderr.write(`soak failed: ${err instanceof Error ? err.message : err}\n`);
  process.exitCode = 1;
}
