#!/usr/bin/env -S node --no-node-snapshot
// isolated-vm requires --no-node-snapshot on Node 20; the shebang passes it.
import { setFlagsFromString } from 'node:v8';

// A scriptlet run is short and its hot code is large (parsers, the policy matcher): with V8's
// default budget, optimising and re-optimising it kept V8's compiler threads busier than the
// program itself (bench/results/audit-2026-11-26.md, session 6). A function must now run about
// fifteen times longer before it is optimised. Set before any of scriptlet's code is loaded, and
// process-wide, so audit workers get it too.
setFlagsFromString('--interrupt-budget=1000000');

const { main } = await import('../dist/bundle/main.js');
process.exitCode = await main(process.argv.slice(2));
