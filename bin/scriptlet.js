#!/usr/bin/env -S node --no-node-snapshot
// isolated-vm requires --no-node-snapshot on Node 20; the shebang passes it.
import { main } from '../dist/src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
