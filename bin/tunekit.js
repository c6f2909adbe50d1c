#!/usr/bin/env -S node --max-semi-space-size=2
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const cli = join(__dirname, '..', 'dist', 'runtime', 'cli.js');
if (!existsSync(cli)) {
  process.stderr.write('tunekit: the runtime is not built yet; run `npm run build` in the checkout first.\n');
  process.exit(2);
}
require(cli);
