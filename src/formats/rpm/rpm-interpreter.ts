import type { Interpreter, InterpreterKind } from '../types.js';

const kindByProgram: ReadonlyMap<string, InterpreterKind> = new Map([
  ['sh', 'sh'],
  ['dash', 'sh'],
  ['bash', 'bash'],
  ['perl', 'perl'],
]);

/**
 * What runs an RPM scriptlet. `argv` is the PROG value (interpreter plus fixed arguments); a PROG
 * with no body is a `-p` program whose own run is the work, except `<lua>`, which is always Lua.
 */
export function rpmInterpreter(argv: string[], hasBody: boolean): Interpreter {
  const program = argv[0] ?? '';
  if (program === '<lua>') return { kind: 'lua', argv };
  if (!hasBody) return { kind: 'program', argv };
  const base = program.slice(program.lastIndexOf('/') + 1);
  const kind = kindByProgram.get(base) ?? (/^python[0-9.]*$/.test(base) ? 'python' : 'other');
  return { kind, argv };
}
