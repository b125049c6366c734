import t from 'tap';
import type { Guard } from '../../src/shell/analysis.js';
import { analyse } from '../../src/shell/analyse.js';
import { shellScriptlet } from '../helpers/shell-scriptlet.js';

/** Guards of the first command named `name`, reduced to what a policy matches on. */
async function guardsOf(body: string, name: string, entry?: string): Promise<unknown[]> {
  const a = await analyse(shellScriptlet(body, entry ? { format: 'arch', phase: 'post_install', entry } : {}));
  const cmd = a.commands.find((c) => c.name === name);
  if (!cmd) throw new Error(`no command ${name} in ${JSON.stringify(a.commands.map((c) => c.name))}`);
  return cmd.guards.map((g: Guard) => {
    const out: Record<string, unknown> = { kind: g.kind, negated: g.negated };
    if ('test' in g && g.test) out.test = g.test;
    if (g.kind === 'case') out.patterns = g.patterns;
    if (g.kind === 'function') out.name = g.name;
    return out;
  });
}

const configure = { type: 'arg-equals', arg: 1, values: ['configure'] };

const cases: { name: string; body: string; command: string; guards: unknown[]; entry?: string }[] = [
  {
    name: '[ "$1" = configure ]',
    body: 'if [ "$1" = configure ]; then run; fi',
    command: 'run',
    guards: [{ kind: 'if', negated: false, test: configure }],
  },
  {
    name: 'test "$1" = configure',
    body: 'if test "$1" = "configure"; then run; fi',
    command: 'run',
    guards: [{ kind: 'if', negated: false, test: configure }],
  },
  {
    name: 'old x-prefix idiom',
    body: 'if [ "x$1" = xconfigure ]; then run; fi',
    command: 'run',
    guards: [{ kind: 'if', negated: false, test: configure }],
  },
  {
    name: '!= is a negated arg-equals',
    body: 'if [ "$1" != upgrade ]; then run; fi',
    command: 'run',
    guards: [{ kind: 'if', negated: true, test: { type: 'arg-equals', arg: 1, values: ['upgrade'] } }],
  },
  {
    name: 'alternatives with || merge into one arg-equals',
    body: 'if [ "$1" = configure ] || [ "$1" = abort-upgrade ]; then run; fi',
    command: 'run',
    guards: [{ kind: 'if', negated: false, test: { type: 'arg-equals', arg: 1, values: ['configure', 'abort-upgrade'] } }],
  },
  {
    name: '-o alternatives inside one test',
    body: 'if [ "$1" = configure -o "$1" = reconfigure ]; then run; fi',
    command: 'run',
    guards: [{ kind: 'if', negated: false, test: { type: 'arg-equals', arg: 1, values: ['configure', 'reconfigure'] } }],
  },
  {
    name: '&& in a condition splits into one guard per part',
    body: 'if [ "$1" = configure ] && [ -z "$2" ]; then run; fi',
    command: 'run',
    guards: [
      { kind: 'if', negated: false, test: configure },
      { kind: 'if', negated: false, test: { type: 'arg-empty', arg: 2 } },
    ],
  },
  {
    name: '-n "$2" is a negated arg-empty',
    body: '[ -n "$2" ] && run',
    command: 'run',
    guards: [{ kind: 'and', negated: true, test: { type: 'arg-empty', arg: 2 } }],
  },
  {
    name: 'else branch negates; elif carries the failed condition',
    body: 'if [ -x /usr/bin/a ]; then one; elif [ -d /etc/b ]; then two; else three; fi',
    command: 'three',
    guards: [
      { kind: 'if', negated: true, test: { type: 'path-test', op: '-x', path: '/usr/bin/a' } },
      { kind: 'if', negated: true, test: { type: 'path-test', op: '-d', path: '/etc/b' } },
    ],
  },
  {
    name: 'elif body',
    body: 'if [ -x /usr/bin/a ]; then one; elif [ -L "/etc/b" ]; then two; fi',
    command: 'two',
    guards: [
      { kind: 'if', negated: true, test: { type: 'path-test', op: '-x', path: '/usr/bin/a' } },
      { kind: 'if', negated: false, test: { type: 'path-test', op: '-L', path: '/etc/b' } },
    ],
  },
  {
    name: '-e and -f path tests',
    body: '[ -e /a ] && [ -f /b ] && run',
    command: 'run',
    guards: [
      { kind: 'and', negated: false, test: { type: 'path-test', op: '-e', path: '/a' } },
      { kind: 'and', negated: false, test: { type: 'path-test', op: '-f', path: '/b' } },
    ],
  },
  {
    name: '|| negates the left side',
    body: '[ -d /run/systemd/system ] || run',
    command: 'run',
    guards: [{ kind: 'or', negated: true, test: { type: 'path-test', op: '-d', path: '/run/systemd/system' } }],
  },
  {
    name: '! folds into negated',
    body: 'if ! command -v foo >/dev/null 2>&1; then run; fi',
    command: 'run',
    guards: [{ kind: 'if', negated: true, test: { type: 'command-exists', command: 'foo' } }],
  },
  {
    name: 'which',
    body: 'if which py3compile >/dev/null 2>&1; then run; fi',
    command: 'run',
    guards: [{ kind: 'if', negated: false, test: { type: 'command-exists', command: 'py3compile' } }],
  },
  {
    name: 'type',
    body: 'type foo >/dev/null && run',
    command: 'run',
    guards: [{ kind: 'and', negated: false, test: { type: 'command-exists', command: 'foo' } }],
  },
  {
    name: 'DPKG_ROOT empty test',
    body: 'if [ -z "${DPKG_ROOT:-}" ]; then run; fi',
    command: 'run',
    guards: [{ kind: 'if', negated: false, test: { type: 'dpkg-root' } }],
  },
  {
    name: 'DPKG_ROOT set test',
    body: 'if [ -n "$DPKG_ROOT" ]; then run; fi',
    command: 'run',
    guards: [{ kind: 'if', negated: true, test: { type: 'dpkg-root' } }],
  },
  {
    // coreutils 9.1 postinst: a file of the machine is tested, not DPKG_ROOT itself
    name: 'path under DPKG_ROOT joined with -a to an argument test',
    body: 'if [ "$1" = \'configure\' -a ! -e "$DPKG_ROOT/usr/bin/touch" ]; then run; fi',
    command: 'run',
    guards: [{ kind: 'if', negated: false }],
  },
  {
    name: 'DPKG_ROOT empty joined with -a to an argument test',
    body: 'if [ -z "$DPKG_ROOT" -a "$1" = configure ]; then run; fi',
    command: 'run',
    guards: [{ kind: 'if', negated: false, test: { type: 'dpkg-root' } }],
  },
  {
    name: 'dpkg --compare-versions',
    body: 'if dpkg --compare-versions "$2" lt-nl 1.2-3; then run; fi',
    command: 'run',
    guards: [{ kind: 'if', negated: false, test: { type: 'version-compare', arg: 2, op: 'lt-nl', version: '1.2-3' } }],
  },
  {
    name: 'dpkg --compare-versions with the argument on the right flips the operator',
    body: 'dpkg --compare-versions 1.0 gt "$2" && run',
    command: 'run',
    guards: [{ kind: 'and', negated: false, test: { type: 'version-compare', arg: 2, op: 'lt', version: '1.0' } }],
  },
  {
    name: 'case arm on $1',
    body: 'case "$1" in\n  configure|reconfigure)\n    run\n    ;;\nesac',
    command: 'run',
    guards: [{ kind: 'case', negated: false, patterns: ['configure', 'reconfigure'], test: { type: 'arg-equals', arg: 1, values: ['configure', 'reconfigure'] } }],
  },
  {
    name: 'case default arm has no test',
    body: 'case "$1" in configure) one ;; *) run ;; esac',
    command: 'run',
    guards: [{ kind: 'case', negated: false, patterns: ['*'] }],
  },
  {
    name: 'while guard',
    body: 'while [ -e /run/lock ]; do run; done',
    command: 'run',
    guards: [{ kind: 'while', negated: false, test: { type: 'path-test', op: '-e', path: '/run/lock' } }],
  },
  {
    name: 'until negates',
    body: 'until [ -e /run/lock ]; do run; done',
    command: 'run',
    guards: [{ kind: 'while', negated: true, test: { type: 'path-test', op: '-e', path: '/run/lock' } }],
  },
  {
    name: 'a top-level copy of $1 stands for it',
    body: 'action="$1"\nif [ "$action" = configure ]; then run; fi',
    command: 'run',
    guards: [{ kind: 'if', negated: false, test: configure }],
  },
  {
    name: 'a variable assigned twice is not a copy of $1',
    body: 'action="$1"\naction=other\nif [ "$action" = configure ]; then run; fi',
    command: 'run',
    guards: [{ kind: 'if', negated: false }],
  },
  {
    name: '$1 inside a function is the function argument',
    body: 'f() {\n  if [ "$1" = configure ]; then run; fi\n}\nf configure',
    command: 'run',
    guards: [{ kind: 'function', negated: false, name: 'f' }, { kind: 'if', negated: false }],
  },
  {
    name: 'a function called with "$@" sees the script arguments',
    body: 'main() {\n  if [ "$1" = configure ]; then run; fi\n}\nmain "$@"',
    command: 'run',
    guards: [{ kind: 'function', negated: false, name: 'main' }, { kind: 'if', negated: false, test: configure }],
  },
  {
    name: 'after set -- the positional parameters are no longer the script arguments',
    body: 'set -- a b\nif [ "$1" = configure ]; then run; fi',
    command: 'run',
    guards: [{ kind: 'if', negated: false }],
  },
  {
    name: 'set -e keeps them',
    body: 'set -e\nif [ "$1" = configure ]; then run; fi',
    command: 'run',
    guards: [{ kind: 'if', negated: false, test: configure }],
  },
  {
    name: 'call-site guards are prepended to function bodies',
    body: 'setup() {\n  run\n}\nif [ "$1" = configure ]; then\n  setup\nfi',
    command: 'run',
    guards: [{ kind: 'if', negated: false, test: configure }, { kind: 'function', negated: false, name: 'setup' }],
  },
  {
    name: 'only guards shared by every call site are prepended',
    body: 'setup() { run; }\nif [ "$1" = configure ]; then setup; fi\nif [ "$1" = abort-upgrade ]; then setup; fi',
    command: 'run',
    guards: [{ kind: 'function', negated: false, name: 'setup' }],
  },
  {
    name: 'Arch entry function receives the script arguments',
    body: 'post_upgrade() {\n  if [ "$2" = 1.0 ]; then run; fi\n}',
    command: 'run',
    entry: 'post_upgrade',
    guards: [{ kind: 'function', negated: false, name: 'post_upgrade' }, { kind: 'if', negated: false, test: { type: 'arg-equals', arg: 2, values: ['1.0'] } }],
  },
  {
    name: '[[ == ]] in bash',
    body: 'if [[ $1 == configure ]]; then run; fi',
    command: 'run',
    guards: [{ kind: 'if', negated: false, test: configure }],
  },
  {
    name: 'an unrecognised condition keeps only its text',
    body: 'if grep -q foo /etc/bar; then run; fi',
    command: 'run',
    guards: [{ kind: 'if', negated: false }],
  },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    t.same(await guardsOf(c.body, c.command, c.entry), c.guards);
  });
}

t.test('guard text is the condition source', async (t) => {
  const a = await analyse(shellScriptlet('if [ "$1" = configure ] && [ -z "$2" ]; then\n  run\nfi\n'));
  const run = a.commands.find((c) => c.name === 'run');
  t.same(
    run?.guards.map((g) => g.text),
    ['[ "$1" = configure ]', '[ -z "$2" ]'],
  );
});

t.test('condition commands themselves run under the outer guards only', async (t) => {
  const a = await analyse(shellScriptlet('case "$1" in configure) if [ -x /bin/a ]; then run; fi ;; esac'));
  const test = a.commands.find((c) => c.name === '[');
  t.equal(test?.guards.length, 1);
  t.equal(test?.guards[0]?.kind, 'case');
});
