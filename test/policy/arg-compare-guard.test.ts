import t from 'tap';
import { analyse } from '../../src/shell/analyse.js';
import { commandFieldsMatch } from '../../src/policy/match-rule.js';
import type { GuardMatch } from '../../src/policy/policy-schema.js';
import { shellScriptlet } from '../helpers/shell-scriptlet.js';

// RPM passes the instance count in $1 (1 on a fresh install, 2 on upgrade, 0 on removal), and
// spec files test it numerically (unrecognised conditions carry no test); `argExcludes` asks whether a command can run for a value.
async function guarded(body: string) {
  const a = await analyse(shellScriptlet(body, { format: 'rpm', phase: 'post' }));
  const cmd = a.commands.find((c) => c.name === 'run');
  if (!cmd) throw new Error(`no run in ${body}`);
  return { a, cmd };
}

const recognised: [string, string, unknown][] = [
  ['-gt', 'if [ $1 -gt 1 ]; then run; fi', { type: 'arg-compare', arg: 1, op: 'gt', value: 1 }],
  ['quoted -ge', 'if [ "$1" -ge 2 ]; then run; fi', { type: 'arg-compare', arg: 1, op: 'ge', value: 2 }],
  ['test -lt', 'if test $1 -lt 1; then run; fi', { type: 'arg-compare', arg: 1, op: 'lt', value: 1 }],
  ['argument on the right mirrors', 'if [ 1 -lt "$1" ]; then run; fi', { type: 'arg-compare', arg: 1, op: 'gt', value: 1 }],
  ['$2 of a trigger', 'if [ $2 -le 1 ]; then run; fi', { type: 'arg-compare', arg: 2, op: 'le', value: 1 }],
  ['a variable is not an argument', 'if [ $n -gt 1 ]; then run; fi', undefined],
  ['a non-integer bound', 'if [ $1 -gt x ]; then run; fi', undefined],
];

for (const [name, body, test] of recognised) {
  t.test(`guard test: ${name}`, async (t) => {
    const { cmd } = await guarded(body);
    t.same(cmd.guards.map((g) => ('test' in g ? g.test : undefined)), [test]);
  });
}

const matches: [string, string, GuardMatch, boolean][] = [
  ['upgrade branch excludes 1', 'if [ $1 -gt 1 ]; then run; fi', { argExcludes: '1' }, true],
  ['-ge 2 excludes 1', 'if [ "$1" -ge 2 ]; then run; fi', { argExcludes: '1' }, true],
  ['-eq 2 excludes 1', 'if [ $1 -eq 2 ]; then run; fi', { argExcludes: '1' }, true],
  ['-eq 0 excludes 1', 'if [ $1 -eq 0 ]; then run; fi', { argExcludes: '1' }, true],
  ['-ne 1 excludes 1', 'if [ $1 -ne 1 ]; then run; fi', { argExcludes: '1' }, true],
  ['first-install branch does not exclude 1', 'if [ $1 -eq 1 ]; then run; fi', { argExcludes: '1' }, false],
  ['-le 1 does not exclude 1', 'if [ $1 -le 1 ]; then run; fi', { argExcludes: '1' }, false],
  ['else of -gt 1 does not exclude 1', 'if [ $1 -gt 1 ]; then :; else run; fi', { argExcludes: '1' }, false],
  ['else of -eq 1 excludes 1', 'if [ $1 -eq 1 ]; then :; else run; fi', { argExcludes: '1' }, true],
  ['after || of a first-install test', '[ $1 -eq 1 ] || run', { argExcludes: '1' }, true],
  ['after && of an upgrade test', '[ $1 -ge 2 ] && run', { argExcludes: '1' }, true],
  ['case arm 2', 'case "$1" in 2) run ;; esac', { argExcludes: '1' }, true],
  ['case arm 1', 'case "$1" in 1) run ;; esac', { argExcludes: '1' }, false],
  ['unguarded', 'run', { argExcludes: '1' }, false],
  ['a test on another argument', 'if [ $2 -gt 1 ]; then run; fi', { argExcludes: '1' }, false],
  ['on $2 when asked', 'if [ $2 -gt 1 ]; then run; fi', { argExcludes: '1', arg: 2 }, true],
  ['several values: all excluded', 'if [ $1 -gt 2 ]; then run; fi', { argExcludes: ['1', '2'] }, true],
  ['several values: one runs', 'if [ $1 -gt 1 ]; then run; fi', { argExcludes: ['1', '2'] }, false],
  ['argEquals with a comparison that admits it', 'if [ $1 -ge 1 ]; then run; fi', { argEquals: '1' }, true],
  ['argEquals with a comparison that rejects it', 'if [ $1 -gt 1 ]; then run; fi', { argEquals: '1' }, false],
  ['a non-integer value never passes a comparison', 'if [ $1 -gt 1 ]; then run; fi', { argExcludes: 'configure' }, true],
  ['argOnly is not satisfied by a comparison', 'if [ $1 -lt 1 ]; then run; fi', { argOnly: '0' }, false],
];

for (const [name, body, guard, expected] of matches) {
  t.test(`guard match: ${name}`, async (t) => {
    const { a, cmd } = await guarded(body);
    t.equal(commandFieldsMatch({ guard }, cmd, a), expected);
  });
}
