import type { Interpreter, InterpreterKind } from '../types.js';

function kindOf(program: string): InterpreterKind {
  const base = program.slice(program.lastIndexOf('/') + 1);
  if (base === 'sh' || base === 'dash' || base === 'ash' || base === 'posh') return 'sh';
  if (base === 'bash') return 'bash';
  if (/^perl[0-9.]*$/.test(base)) return 'perl';
  if (/^python[0-9.]*$/.test(base)) return 'python';
  return 'other';
}

/**
 * What runs a maintainer script, read from its `#!` line the way Linux does: the interpreter
 * path, then everything after it as at most one argument (`#!/bin/sh -e` -> ['/bin/sh', '-e']).
 * `#!/usr/bin/env X` is classified by X. A script without `#!` fails execve with ENOEXEC, and
 * dpkg runs maintainer scripts through execvp, which then falls back to /bin/sh.
 */
export function interpreterFromShebang(body: string): Interpreter {
  if (!body.startsWith('#!')) return { kind: 'sh', argv: ['/bin/sh'] };
  const end = body.indexOf('\n');
  const line = body.slice(2, end === -1 ? undefined : end).trim();
  const space = line.search(/[ \t]/);
  const program = space === -1 ? line : line.slice(0, space);
  const argument = space === -1 ? '' : line.slice(space).trim();
  const argv = argument === '' ? [program] : [program, argument];
  if (program === '') return { kind: 'other', argv: [] };
  let kind = kindOf(program);
  if (program.endsWith('/env')) {
    const words = argument.split(/[ \t]+/).filter((w) => w !== '' && !w.startsWith('-'));
    kind = words[0] ? kindOf(words[0]) : 'other';
  }
  return { kind, argv };
}
