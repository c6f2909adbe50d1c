// `npm run bench` (after the build): the runtime benchmarks, compiled to out/scripts/bench.
// --quick runs smaller sizes and only prints; a full run also rewrites BENCHMARKS.md.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { main } = require('../out/scripts/bench/main.js');
try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.message : err}\n`);
  process.exitCode = 1;
}
