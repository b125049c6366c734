// Bundles the compiled CLI (dist/src, from tsc) into dist/bundle, which bin/scriptlet.js runs.
//
// Why: Node 20 loads an ES module graph file by file, and scriptlet's (its own ~300 modules plus
// typebox, ajv, commander and tar-stream, several hundred more) took about 0.4 s of every start, in
// the main thread and again in every audit worker. Bundled, a start takes about 0.15 s
// (bench/results/audit-2026-11-26.md, session 6).
//
// Kept outside the bundle: packages that find files next to themselves (web-tree-sitter's and
// tree-sitter-bash's wasm), native addons (isolated-vm, node-pty), and what is loaded on demand
// with createRequire (mvdan-sh). Splitting keeps each subcommand's code in its own chunk, loaded
// only when that subcommand runs, as in dist/src.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'bundle');

// Chunk names carry content hashes: without this, chunks of earlier builds would pile up.
rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  // The worker's file name matters: run-audit-tasks starts `./audit-worker.js` beside its own chunk.
  entryPoints: { main: 'dist/src/cli/main.js', 'audit-worker': 'dist/src/audit/audit-worker.js' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: ['isolated-vm', 'node-pty', 'web-tree-sitter', 'tree-sitter-bash', 'mvdan-sh', 'xz-decompress'],
  // Bundled CommonJS packages (commander, ajv) call require() for Node's own modules.
  banner: { js: "import { createRequire as scriptletCreateRequire } from 'node:module'; const require = scriptletCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
