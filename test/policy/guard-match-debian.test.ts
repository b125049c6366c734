import t from 'tap';
import { analyse } from '../../src/shell/analyse.js';
import { commandFieldsMatch } from '../../src/policy/match-rule.js';
import type { GuardMatch } from '../../src/policy/policy-schema.js';
import { shellScriptlet } from '../helpers/shell-scriptlet.js';

// A Debian postinst gets `configure ''` on a fresh install: `$2`, the old version, is empty.
// `{ arg: 2, argExcludes: '' }` asks whether a command is confined to upgrades.
const upgradeOnly: GuardMatch = { arg: 2, argExcludes: '' };

const cases: [name: string, body: string, guard: GuardMatch, expected: boolean][] = [
  ['[ -n "$2" ]', 'if [ -n "$2" ]; then run; fi', upgradeOnly, true],
  ['[ -z "$2" ] runs on a fresh install', 'if [ -z "$2" ]; then run; fi', upgradeOnly, false],
  ['else of [ -z "$2" ]', 'if [ -z "$2" ]; then :; else run; fi', upgradeOnly, true],
  ['[ "$2" != "" ]', 'if [ "$2" != "" ]; then run; fi', upgradeOnly, true],
  ['[ -z "$2" ] || run', '[ -z "$2" ] || run', upgradeOnly, true],
  ['configure && -n', 'if [ "$1" = configure ] && [ -n "$2" ]; then run; fi', upgradeOnly, true],
  // dpkg(1): an empty version is earlier than any version, except for the -nl operators.
  ['compare-versions lt runs with an empty version', 'if dpkg --compare-versions "$2" lt 1.2-3; then run; fi', upgradeOnly, false],
  ['compare-versions le-nl', 'if dpkg --compare-versions "$2" le-nl 1.2; then run; fi', upgradeOnly, true],
  ['compare-versions lt-nl', 'if dpkg --compare-versions "$2" lt-nl 1.2; then run; fi', upgradeOnly, true],
  ['compare-versions gt', 'if dpkg --compare-versions "$2" gt 1.2; then run; fi', upgradeOnly, true],
  ['compare-versions ge', 'dpkg --compare-versions "$2" ge 1.2 && run', upgradeOnly, true],
  ['compare-versions gt-nl runs', 'if dpkg --compare-versions "$2" gt-nl 1.2; then run; fi', upgradeOnly, false],
  ['compare-versions mirrored (1.2 gt "$2" is "$2" lt 1.2)', 'if dpkg --compare-versions 1.2 gt "$2"; then run; fi', upgradeOnly, false],
  ['compare-versions mirrored (1.2 lt "$2")', 'if dpkg --compare-versions 1.2 lt "$2"; then run; fi', upgradeOnly, true],
  ['negated lt', 'if ! dpkg --compare-versions "$2" lt 1.2; then run; fi', upgradeOnly, true],
  ['else of lt', 'if dpkg --compare-versions "$2" lt 1.2; then :; else run; fi', upgradeOnly, true],
  ['a version that is a variable is undecided', 'if dpkg --compare-versions "$2" gt "$V"; then run; fi', upgradeOnly, false],
  ['an alias of $2', 'old="$2"\nif [ -n "$old" ]; then run; fi', upgradeOnly, true],
  ['a test on $1 says nothing about $2', 'if [ -n "$1" ]; then run; fi', upgradeOnly, false],
  ['unguarded', 'run', upgradeOnly, false],
  ['-z on $2 satisfies argEquals ""', 'if [ -z "$2" ]; then run; fi', { arg: 2, argEquals: '' }, true],
  ['-n on $2 fails argEquals ""', 'if [ -n "$2" ]; then run; fi', { arg: 2, argEquals: '' }, false],
  ['emptiness is not an argOnly restriction', 'if [ -n "$2" ]; then run; fi', { arg: 2, argOnly: 'x' }, false],
];

for (const [name, body, guard, expected] of cases) {
  t.test(name, async (t) => {
    const a = await analyse(shellScriptlet(body));
    const cmd = a.commands.find((c) => c.name === 'run');
    t.ok(cmd, 'run is a command');
    t.equal(commandFieldsMatch({ guard }, cmd!, a), expected);
  });
}

t.test('callsFunction: a call of a function the script defines', async (t) => {
  const a = await analyse(shellScriptlet('setup() {\n  mkdir /var/lib/x\n}\nsetup\nmissing\n'));
  const byName = (n: string) => a.commands.find((c) => c.name === n)!;
  t.equal(commandFieldsMatch({ callsFunction: true }, byName('setup'), a), true);
  t.equal(commandFieldsMatch({ callsFunction: true }, byName('missing'), a), false);
  t.equal(commandFieldsMatch({ callsFunction: false }, byName('missing'), a), true);
  t.equal(commandFieldsMatch({ callsFunction: true }, byName('mkdir'), a), false);
});

const stateCases: [name: string, body: string, expected: boolean][] = [
  ['a path test', 'if [ ! -e /bin/sh ]; then run; fi', true],
  ['a positive path test', 'if [ -d /etc/foo ]; then run; fi', true],
  ['another command\'s result', 'if cmp -s a b; then run; fi', true],
  ['after ||', 'getent passwd x || run', true],
  ['a case on a variable', 'case "$x" in y) run ;; esac', true],
  ['argument tests only', 'if [ "$1" = configure ] && [ -z "$2" ]; then run; fi', false],
  ['version compare', 'if dpkg --compare-versions "$2" lt 1; then run; fi', false],
  ['command -v', 'if command -v foo >/dev/null; then run; fi', false],
  ['a case on $1', 'case "$1" in configure) run ;; esac', false],
  ['the default arm of a case on $1', 'case "$1" in configure) ;; *) run ;; esac', false],
  ['a glob arm of a case on a variable', 'case "$x" in y*) run ;; esac', true],
  ['unguarded', 'run', false],
];

for (const [name, body, expected] of stateCases) {
  t.test(`stateDependent: ${name}`, async (t) => {
    const a = await analyse(shellScriptlet(body));
    const cmd = a.commands.find((c) => c.name === 'run')!;
    t.equal(commandFieldsMatch({ guard: { stateDependent: true } }, cmd, a), expected);
    t.equal(commandFieldsMatch({ guard: { stateDependent: false } }, cmd, a), !expected);
  });
}
