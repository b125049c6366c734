import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The worker's entry point; everything it imports, statically or dynamically, is transpiled. */
const ENTRY = join(REPO, 'bench', 'fuzz', 'fuzz-worker.ts');
/** Relative specifiers in `from '…'`, `import '…'` and `import('…')`, including `import type`. */
const SPECIFIER = /(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)'(\.{1,2}\/[^']+)'/g;

let compiled: string | undefined;

/** The .ts files reachable from the worker's entry through relative imports, the entry first. */
function importClosure(entry: string): string[] {
  const seen = new Set<string>([entry]);
  const queue = [entry];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    for (const m of readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
      const target = resolve(dirname(file), (m[1] as string).replace(/\.js$/, '.ts'));
      if (!seen.has(target) && existsSync(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  return [...seen];
}

/**
 * Transpiles (without type checking) the sources a fuzz worker runs into `<repo>/.cache/fuzz-js/`,
 * mirroring the repository layout so that module resolution from those files still finds
 * node_modules. A worker then starts in about a second instead of running the TypeScript loader
 * over every file again, which matters because a hang or a memory bug costs a worker restart.
 * Only the worker's import closure is transpiled, and a file whose output is newer than its source
 * is left alone: transpiling every source took 22 s on a loaded machine, most of the CI fuzz test.
 * Returns the directory; done once per process.
 */
export function compileForWorkers(): string {
  if (compiled) return compiled;
  const out = join(REPO, '.cache', 'fuzz-js');
  for (const file of importClosure(ENTRY)) {
    const target = join(out, relative(REPO, file)).replace(/\.ts$/, '.js');
    if (existsSync(target) && statSync(target).mtimeMs >= statSync(file).mtimeMs) continue;
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022, esModuleInterop: true, sourceMap: false },
      fileName: file,
    });
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText);
  }
  writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
  compiled = out;
  return out;
}
