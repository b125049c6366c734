import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Source trees a worker may import from. */
const TREES = ['src', 'bench/fuzz', 'test/helpers'];

function* tsFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* tsFiles(path);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) yield path;
  }
}

let compiled: string | undefined;

/**
 * Transpiles (without type checking) the sources a fuzz worker runs into `<repo>/.cache/fuzz-js/`,
 * mirroring the repository layout so that module resolution from those files still finds
 * node_modules. A worker then starts in about a second instead of running the TypeScript loader
 * over every file again, which matters because a hang or a memory bug costs a worker restart.
 * Returns the directory; done once per process.
 */
export function compileForWorkers(): string {
  if (compiled) return compiled;
  const out = join(REPO, '.cache', 'fuzz-js');
  for (const tree of TREES) {
    for (const file of tsFiles(join(REPO, tree))) {
      const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022, esModuleInterop: true, sourceMap: false },
        fileName: file,
      });
      const target = join(out, relative(REPO, file)).replace(/\.ts$/, '.js');
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, outputText);
    }
  }
  writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
  compiled = out;
  return out;
}
