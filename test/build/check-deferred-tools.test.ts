import t from 'tap';
import type { DeferredStep } from '../../src/appliance/deferred-plan.js';
import { MemoryImageView, type MemoryNode } from '../../src/apply/image-view.js';
import { checkDeferredTools, findInPath, pathSpellings } from '../../src/build/check-deferred-tools.js';
import type { Analysis } from '../../src/shell/analysis.js';
import { analysisOf } from '../helpers/analysis-builder.js';

const exe: MemoryNode = { type: 'file', content: '', mode: 0o755 };

const step = (id: string, pkg: string, interpreter: string[]): DeferredStep => ({
  id,
  package: pkg,
  phase: 'postinst',
  interpreter,
  script: 'true\n',
  args: ['configure', ''],
  env: {},
  timeoutSeconds: 300,
  reason: 'test',
});

// The host: which package ships which path (merged-/usr spellings are asked for separately).
const HOST: Record<string, string[]> = {
  '/bin/bash': ['bash'],
  '/usr/bin/perl': ['perl-base'],
  '/usr/bin/ssh-keygen': ['openssh-client'],
};
const owners = (path: string): string[] => HOST[path] ?? [];

const image = (): MemoryImageView =>
  new MemoryImageView({
    '/bin': { type: 'symlink', target: 'usr/bin' },
    '/usr/bin/dash': exe,
    '/usr/bin/sh': { type: 'symlink', target: 'dash' },
    '/usr/bin/cat': exe,
    '/usr/bin/notexec': { type: 'file', content: '', mode: 0o644 },
    '/usr/share/debconf/confmodule': '# debconf\ndb_get () {\n\t_db_cmd "GET $@"\n}\nfunction db_stop {\n\techo STOP\n}\n',
  });

t.test('findInPath and pathSpellings', async (t) => {
  const view = image();
  const cases: Array<[string, string | undefined]> = [
    ['cat', '/usr/bin/cat'],
    ['sh', '/usr/bin/sh'],
    ['/bin/sh', '/bin/sh'],
    ['notexec', undefined],
    ['/usr/bin/notexec', undefined],
    ['ssh-keygen', undefined],
  ];
  for (const [name, found] of cases) t.equal(findInPath(view, name), found, name);
  t.same(pathSpellings('/bin/sh'), ['/bin/sh', '/usr/bin/sh']);
  t.same(pathSpellings('/usr/lib/x86_64-linux-gnu/libc.so.6'), ['/lib/x86_64-linux-gnu/libc.so.6', '/usr/lib/x86_64-linux-gnu/libc.so.6']);
  t.same(pathSpellings('/etc/x'), ['/etc/x']);
  t.same(pathSpellings('perl'), ['/usr/local/sbin/perl', '/usr/local/bin/perl', '/usr/sbin/perl', '/usr/bin/perl', '/sbin/perl', '/bin/perl']);
});

const cases: Array<{ name: string; steps: DeferredStep[]; analyses?: Record<string, Analysis>; errors: Array<[string, string | undefined]>; warnings: string[] }> = [
  { name: 'interpreter present through a link', steps: [step('1', 'a', ['/bin/sh', '-e'])], errors: [], warnings: [] },
  {
    name: 'missing interpreter: an error naming the package that provides it',
    steps: [step('1', 'a', ['/bin/bash'])],
    errors: [['the deferred postinst of a needs /bin/bash, which is not in the appliance', 'add bash to the package list']],
    warnings: [],
  },
  {
    name: 'missing interpreter nobody provides',
    steps: [step('1', 'a', ['/usr/bin/python9'])],
    errors: [['the deferred postinst of a needs /usr/bin/python9, which is not in the appliance', 'no installed package provides /usr/bin/python9; install one that does and add it']],
    warnings: [],
  },
  {
    name: 'an unguarded missing command is a warning; builtins, functions, guarded and present commands are not',
    steps: [step('1', 'a', ['/bin/sh'])],
    analyses: {
      '1': analysisOf(['ssh-keygen -A', 'cat /etc/x', 'echo hi', 'myfn', ['missing-but-guarded', { guards: [{ kind: 'if', text: 'command -v missing-but-guarded >/dev/null', negated: false }] }]], {
        functions: [{ name: 'myfn', line: 1, calls: [] }],
      }),
    },
    errors: [],
    warnings: ['the deferred postinst of a calls ssh-keygen, which is not in the appliance (add openssh-client)'],
  },
  {
    name: 'a script that sources debconf needs perl; the functions the sourced file defines are not commands',
    steps: [step('1', 'a', ['/bin/sh'])],
    analyses: { '1': analysisOf(['ssh-keygen -A', 'db_get a/question', 'db_stop'], { sourced: ['/usr/share/debconf/confmodule'] }) },
    errors: [['the deferred postinst of a sources /usr/share/debconf/confmodule, which needs /usr/bin/perl; it is not in the appliance', 'add perl-base to the package list']],
    warnings: ['the deferred postinst of a calls ssh-keygen, which is not in the appliance (add openssh-client)'],
  },
  {
    name: 'commands under tests of the arguments are checked for the step\'s own arguments',
    steps: [step('1', 'a', ['/bin/sh'])],
    analyses: {
      '1': analysisOf(
        [
          ['ssh-keygen -A', { guards: [{ kind: 'case', subject: '"$1"', patterns: ['configure'], negated: false, text: 'case "$1" in configure)' }] }],
          ['sed -n p', { guards: [{ kind: 'case', subject: '"$1"', patterns: ['abort-upgrade'], negated: false, text: 'case "$1" in abort-upgrade)' }] }],
          ['grep -q x', { guards: [{ kind: 'if', text: '[ -n "$2" ]', negated: true, test: { type: 'arg-empty', arg: 2 } }] }],
          ['awk 1', { guards: [{ kind: 'if', text: '[ -z "$2" ]', negated: false, test: { type: 'arg-empty', arg: 2 } }] }],
        ],
        {},
      ),
    },
    errors: [],
    warnings: ['the deferred postinst of a calls awk, which is not in the appliance', 'the deferred postinst of a calls ssh-keygen, which is not in the appliance (add openssh-client)'],
  },
  {
    name: 'a sourced file the image lacks: its functions are unknown, so no command is checked',
    steps: [step('1', 'a', ['/bin/sh'])],
    analyses: { '1': analysisOf(['ssh-keygen -A'], { sourced: ['/usr/share/other/lib.sh'] }) },
    errors: [],
    warnings: [],
  },
  {
    name: 'sourcing a file the image lacks is not the perl problem',
    steps: [step('1', 'a', ['/bin/sh'])],
    analyses: { '1': analysisOf([], { sourced: ['/usr/share/other/lib.sh'] }) },
    errors: [],
    warnings: [],
  },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    const result = checkDeferredTools(c.steps, image(), owners, new Map(Object.entries(c.analyses ?? {})));
    t.same(
      result.errors.map((e) => [e.message, e.context.hint]),
      c.errors,
    );
    t.ok(result.errors.every((e) => e.code === 'E_BUILD' && e.context.package === 'a'));
    t.same(result.warnings, c.warnings);
  });
}
