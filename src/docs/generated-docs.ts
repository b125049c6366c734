/**
 * The documentation files generated from code (`npm run docs` writes them; a test fails when the
 * committed copies differ): a man page per command from the CLI definitions plus man/src/*.md, and
 * docs/policy-reference.md from the policy schema.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadCommands } from '../cli/commands.js';
import { buildProgram } from '../cli/main.js';
import { defaultPolicyDir } from '../policy/policy-dir.js';
import { policyJsonSchema } from '../policy/policy-schema.js';
import { translators } from '../policy/translators/registry.js';
import { renderManPages } from './render-man-page.js';
import { renderPolicyReference } from './render-policy-reference.js';

export interface GeneratedDoc {
  /** Relative to the repository root. */
  path: string;
  text: string;
}

// Every command, for its man page (the CLI itself loads only the one it runs).
const registered = await loadCommands();

export function repoRoot(): string {
  return dirname(defaultPolicyDir());
}

export function generatedDocs(root: string = repoRoot()): GeneratedDoc[] {
  const discard = (): void => undefined;
  const program = buildProgram({ stdout: discard, stderr: discard, isTty: false, color: false, env: {}, cwd: root }, discard, registered);
  const extra = (name: string): string | undefined => {
    const file = join(root, 'man', 'src', `${name}.md`);
    return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  };
  const pages = renderManPages(program, program.version() ?? '', extra).map((p) => ({ path: `man/${p.name}.1`, text: p.roff }));
  return [...pages, { path: 'docs/policy-reference.md', text: renderPolicyReference(policyJsonSchema(), [...translators.keys()]) }];
}
