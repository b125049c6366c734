import t from 'tap';
import { readFileSync } from 'node:fs';
import { classify } from '../../src/policy/classify.js';
import { builtinRuntime, createPolicyRuntime } from '../../src/policy/policy-runtime.js';
import type { Translator } from '../../src/policy/translator.js';
import type { Rule } from '../../src/policy/policy-schema.js';
import type { ResolvedPolicy } from '../../src/policy/resolved-policy.js';
import type { Analysis, Command, Guard, Segment } from '../../src/shell/analysis.js';
import type { Scriptlet } from '../../src/formats/types.js';
import { ScriptletError } from '../../src/errors.js';
import { commands } from '../helpers/analysis-builder.js';
import { chain, policyFromText, policyOf } from '../helpers/policy-of.js';

const base = policyFromText(readFileSync(new URL('../../policies/base.json5', import.meta.url), 'utf8'), '/policies/base.json5');

const postinst: Scriptlet = {
  package: 'foo',
  format: 'deb',
  phase: 'postinst',
  interpreter: { kind: 'sh', argv: ['/bin/sh'] },
  body: '',
  origin: 'control.tar.xz:postinst',
};

const caseArm = (...patterns: string[]): Guard => ({ kind: 'case', subject: '"$1"', patterns, negated: false, text: 'case' });

type Line = string | [string, { guards?: Guard[]; segment?: number; inFunction?: string }];

/** An analysis of one command per line; `segments` beyond the implicit plain one get indices 1.. */
function an(lines: Line[], segments: Segment[] = [], extra: Partial<Analysis> = {}): Analysis {
  const cmds: Command[] = lines.map((l, i) => {
    const [text, o] = typeof l === 'string' ? [l, {}] : l;
    const c = commands(text, { line: i + 1, ...(o.guards ? { guards: o.guards } : {}), ...(o.inFunction ? { inFunction: o.inFunction } : {}) })[0]!;
    return { ...c, segment: o.segment ?? 0 };
  });
  return {
    language: 'sh',
    parser: 'tree-sitter',
    commands: cmds,
    segments: [{ kind: 'plain', startLine: 1, endLine: Math.max(1, lines.length) }, ...segments],
    functions: [],
    heredocs: [],
    sourced: [],
    ...extra,
  };
}

const dhSystemd: Segment = { kind: 'debhelper', helper: 'dh_installsystemd', template: 'postinst-systemd-enable', startLine: 2, endLine: 4 };

/** Turns `fake-enable UNIT` into a systemd-enable action; refuses other shapes. */
const fakeEnable: Translator = (command) => {
  if (command.args[0]?.text === 'was-enabled') return [];
  if (command.args[0]?.text !== 'enable') return null;
  return [{ kind: 'systemd-enable', unit: command.args[1]!.text }];
};
const refusing: Translator = () => {
  throw Object.assign(new ScriptletError('E_USAGE', 'x'), { code: 'E_TRANSLATE', message: 'fake: option -Z is not modelled' });
};
const runtime = builtinRuntime(new Map([['fake-enable', fakeEnable], ['refusing', refusing]]));

const rules = (r: Rule[]): ResolvedPolicy => chain(policyOf(r, 'child'), base);

interface Case {
  name: string;
  policy?: ResolvedPolicy;
  scriptlet?: Partial<Scriptlet>;
  analysis: Analysis;
  outcome: 'drop' | 'translate' | 'defer';
  rule: string;
  reason?: RegExp;
  /** [part kind, index, outcome, rule] */
  parts?: [string, number, string, string][];
  actions?: unknown[];
}

const cases: Case[] = [
  { name: 'no commands: empty script drops', analysis: an([]), outcome: 'drop', rule: 'empty-script', parts: [['script', 0, 'drop', 'empty-script']] },
  {
    name: 'only boilerplate drops',
    analysis: an(['set -e', 'echo "Setting up"', 'true', 'exit 0']),
    outcome: 'drop',
    rule: 'shell-options',
    reason: /^all 4 parts dropped; first: sets options/,
    parts: [
      ['command', 0, 'drop', 'shell-options'],
      ['command', 1, 'drop', 'message'],
      ['command', 2, 'drop', 'no-op'],
      ['command', 3, 'drop', 'exit-success'],
    ],
  },
  {
    name: 'an unknown command defers by the default rule',
    analysis: an(['set -e', 'frobnicate --all']),
    outcome: 'defer',
    rule: '(default)',
    reason: /^no rule matched$/,
    parts: [
      ['command', 0, 'drop', 'shell-options'],
      ['command', 1, 'defer', '(default)'],
    ],
  },
  { name: 'removal phase drops the whole script', scriptlet: { phase: 'postrm' }, analysis: an(['frobnicate', 'rm -rf /var/lib/foo']), outcome: 'drop', rule: 'removal-phase', parts: [['script', 0, 'drop', 'removal-phase']] },
  { name: 'rpm preun is a removal phase', scriptlet: { format: 'rpm', phase: 'preun' }, analysis: an(['frobnicate']), outcome: 'drop', rule: 'removal-phase' },
  {
    name: 'echo into a file is not a message',
    analysis: an(['echo x > /etc/foo.conf']),
    outcome: 'defer',
    rule: '(default)',
  },
  {
    name: 'guarded exit 0 is not boilerplate',
    analysis: an([['exit 0', { guards: [{ kind: 'or', text: 'command -v foo', negated: true, test: { type: 'command-exists', command: 'foo' } }] }]]),
    outcome: 'defer',
    rule: 'exit-on-argument',
  },
  {
    name: 'abort and unknown-argument branches of a postinst drop',
    analysis: an([
      ['frobnicate', { guards: [caseArm('abort-upgrade', 'abort-remove', 'abort-deconfigure')] }],
      ['echo "unknown argument" >&2', { guards: [caseArm('*')] }],
      ['exit 1', { guards: [caseArm('*')] }],
    ]),
    outcome: 'drop',
    rule: 'deb-not-install-argument',
    parts: [
      ['command', 0, 'drop', 'deb-not-install-argument'],
      ['command', 1, 'drop', 'message'],
      ['command', 2, 'drop', 'deb-unknown-argument'],
    ],
  },
  {
    name: 'the configure arm is classified',
    analysis: an([['frobnicate', { guards: [caseArm('configure')] }]]),
    outcome: 'defer',
    rule: '(default)',
  },
  {
    name: 'unknown-argument rule is Debian only',
    scriptlet: { format: 'rpm', phase: 'post' },
    analysis: an([['exit 1', { guards: [caseArm('*')] }]]),
    outcome: 'defer',
    rule: '(default)',
  },
  {
    name: 'parse failure defers with the parser message',
    analysis: an([], [], { parseError: { line: 3, column: 7, message: "unexpected token 'fi'" } }),
    outcome: 'defer',
    rule: '(default)',
    reason: /^could not parse line 3: unexpected token 'fi'$/,
    parts: [['script', 0, 'defer', '(default)']],
  },
  {
    name: 'a catch-all part rule does not decide an unparsed script',
    policy: rules([{ id: 'everything', match: {}, outcome: 'drop', reason: 'all' }]),
    analysis: an([], [], { parseError: { line: 1, column: 1, message: 'bad' } }),
    outcome: 'defer',
    rule: '(default)',
  },
  {
    name: 'a rule naming parseError decides an unparsed script',
    policy: rules([{ id: 'known-broken', match: { package: 'foo', parseError: true }, outcome: 'drop', reason: 'known harmless' }]),
    analysis: an([], [], { parseError: { line: 1, column: 1, message: 'bad' } }),
    outcome: 'drop',
    rule: 'known-broken',
  },
  { name: 'lua defers by base rule', scriptlet: { format: 'rpm', phase: 'post', interpreter: { kind: 'lua', argv: ['<lua>'] } }, analysis: an([], [], { language: 'lua', parser: 'none' }), outcome: 'defer', rule: 'not-shell' },
  {
    name: 'an rpm -p program is classified as its command',
    policy: rules([{ id: 'ldconfig', match: { command: 'ldconfig' }, outcome: 'drop', reason: 'once per image' }]),
    scriptlet: { format: 'rpm', phase: 'post', interpreter: { kind: 'program', argv: ['/sbin/ldconfig'] } },
    analysis: an(['/sbin/ldconfig'], [], { language: 'program', parser: 'none' }),
    outcome: 'drop',
    rule: 'ldconfig',
  },
  {
    name: 'a segment rule decides the whole segment and translates each command',
    policy: rules([
      { id: 'dh-systemd', match: { segment: { helper: 'dh_installsystemd' } }, outcome: 'translate', reason: 'enable units', translate: { translator: 'fake-enable' } },
    ]),
    analysis: an(
      ['set -e', ['fake was-enabled a.service', { segment: 1 }], ['fake enable a.service', { segment: 1 }], ['fake enable b.service', { segment: 1 }], 'exit 0'],
      [dhSystemd],
    ),
    outcome: 'translate',
    rule: 'dh-systemd',
    reason: /^all 3 parts dropped or translated; first translated: enable units$/,
    parts: [
      ['command', 0, 'drop', 'shell-options'],
      ['segment', 1, 'translate', 'dh-systemd'],
      ['command', 4, 'drop', 'exit-success'],
    ],
    actions: [
      { kind: 'systemd-enable', unit: 'a.service' },
      { kind: 'systemd-enable', unit: 'b.service' },
    ],
  },
  {
    name: 'one command a translator refuses (null) defers the segment',
    policy: rules([
      { id: 'dh-systemd', match: { segment: { helper: 'dh_installsystemd' } }, outcome: 'translate', reason: 'enable units', translate: { translator: 'fake-enable' } },
    ]),
    analysis: an([['fake enable a.service', { segment: 1 }], ['fake mask a.service', { segment: 1 }]], [dhSystemd]),
    outcome: 'defer',
    rule: 'dh-systemd',
    reason: /^translator 'fake-enable' cannot translate fake at line 2$/,
    actions: [],
  },
  {
    name: 'a translator throwing E_TRANSLATE defers with its message',
    policy: rules([{ id: 'r', match: { command: 'x' }, outcome: 'translate', reason: 'x', translate: { translator: 'refusing' } }]),
    analysis: an(['x -Z']),
    outcome: 'defer',
    rule: 'r',
    reason: /^fake: option -Z is not modelled \(x at line 1\)$/,
  },
  {
    name: 'without a segment rule, segment commands are classified one by one',
    policy: rules([{ id: 'in-dh', match: { segment: { helper: 'dh_*' }, command: 'fake', args: { first: 'was-enabled' } }, outcome: 'drop', reason: 'query' }]),
    analysis: an([['fake was-enabled a', { segment: 1 }], ['true', { segment: 1 }], ['fake enable a', { segment: 1 }]], [dhSystemd]),
    outcome: 'defer',
    rule: '(default)',
    parts: [
      ['command', 0, 'drop', 'in-dh'],
      ['command', 1, 'drop', 'no-op'],
      ['command', 2, 'defer', '(default)'],
    ],
  },
  {
    name: 'first matching rule wins: child before base',
    policy: rules([{ id: 'loud-echo', match: { command: 'echo' }, outcome: 'defer', reason: 'we want to see it' }]),
    analysis: an(['echo hi']),
    outcome: 'defer',
    rule: 'loud-echo',
    reason: /^we want to see it$/,
  },
  {
    name: 'a script-scope rule with a command field decides the whole script',
    policy: rules([{ id: 'debconf', scope: 'script', match: { command: 'db_*' }, outcome: 'defer', reason: 'asks debconf questions' }]),
    analysis: an(['set -e', 'db_get foo/bar', 'exit 0']),
    outcome: 'defer',
    rule: 'debconf',
    parts: [['script', 0, 'defer', 'debconf']],
  },
  {
    name: 'script-scope rule that does not match falls through to parts',
    policy: rules([{ id: 'debconf', scope: 'script', match: { command: 'db_*' }, outcome: 'defer', reason: 'asks' }]),
    analysis: an(['set -e']),
    outcome: 'drop',
    rule: 'shell-options',
  },
  {
    name: 'defer names the first deferring part',
    policy: rules([
      { id: 'a', match: { command: 'a' }, outcome: 'defer', reason: 'a defers' },
      { id: 'b', match: { command: 'b' }, outcome: 'defer', reason: 'b defers' },
    ]),
    analysis: an(['true', 'b', 'a']),
    outcome: 'defer',
    rule: 'b',
    reason: /^b defers$/,
  },
  {
    name: 'script-scope translate translates every command',
    policy: rules([{ id: 'all', scope: 'script', match: { package: 'foo' }, outcome: 'translate', reason: 'r', translate: { translator: 'fake-enable' } }]),
    analysis: an(['f enable x.service', 'f was-enabled x.service']),
    outcome: 'translate',
    rule: 'all',
    actions: [{ kind: 'systemd-enable', unit: 'x.service' }],
  },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    const s = { ...postinst, ...c.scriptlet };
    const v = classify(s, c.analysis, c.policy ?? base, runtime);
    t.equal(v.outcome, c.outcome, 'outcome');
    t.equal(v.rule.id, c.rule, 'rule');
    if (c.reason) t.match(v.reason, c.reason, 'reason');
    if (c.parts) {
      t.same(
        v.parts.map((p) => [p.part.kind, p.part.kind === 'script' ? 0 : p.part.index, p.outcome, p.rule.id]),
        c.parts,
        'parts',
      );
    }
    if (c.actions) t.same(v.actions, c.actions, 'actions');
    t.equal(v.package, s.package);
    t.equal(v.phase, s.phase);
  });
}

t.test('rule refs name the policy and file the rule came from', async (t) => {
  const v = classify(postinst, an(['set -e', 'frobnicate']), rules([{ id: 'x', match: { command: 'frobnicate' }, outcome: 'defer', reason: 'r' }]), runtime);
  t.same(v.parts.map((p) => [p.rule.policy, p.rule.file]), [
    ['base', '/policies/base.json5'],
    ['child', '/test/child.json5'],
  ]);
  t.same(v.rule, { id: 'x', policy: 'child', file: '/test/child.json5' });
});

t.test('an Arch verdict keeps the entry function', async (t) => {
  const v = classify({ ...postinst, format: 'arch', phase: 'post_install', entry: 'post_install' }, an([['true', { inFunction: 'post_install' }]]), base, runtime);
  t.equal(v.entry, 'post_install');
  t.equal(v.outcome, 'drop');
});

t.test('a translate rule naming a translator the runtime lacks is a PolicyError', async (t) => {
  const p = rules([{ id: 'r', match: { command: 'x' }, outcome: 'translate', reason: 'x', translate: { translator: 'nope' } }]);
  t.throws(() => classify(postinst, an(['x']), p, runtime), { code: 'E_POLICY_REF', context: { rule: 'r' } });
});

t.test('JavaScript predicates and translators run through the runtime', async (t) => {
  const p = rules([
    { id: 'js-pred', match: { command: 'mkdir', js: './long.js' }, outcome: 'defer', reason: 'long path' },
    { id: 'js-tr', match: { command: 'mkdir' }, outcome: 'translate', reason: 'dirs', translate: { js: './dirs.js' } },
  ]);
  p.rules[0]!.matchModule = '/test/long.js';
  p.rules[1]!.translateModule = '/test/dirs.js';
  const sources: Record<string, string> = {
    '/test/long.js': 'export function match(i) { return i.part.kind === "command" && i.command.args.some((a) => a.text.length > 20); }',
    '/test/dirs.js':
      'export function translate(i) { return i.command.args.filter((a) => !a.text.startsWith("-")).map((a) => ({ kind: "directory", path: a.text, mode: i.params.mode ?? 493 })); }',
  };
  const rt = createPolicyRuntime(p, new Map(), (path) => sources[path]!);
  t.teardown(() => rt.dispose());
  const v = classify(postinst, an(['mkdir -p /var/lib/foo /var/cache/foo', 'mkdir /a/very/long/path/that/is/long']), p, rt);
  t.same(
    v.parts.map((p) => [p.rule.id, p.outcome]),
    [
      ['js-tr', 'translate'],
      ['js-pred', 'defer'],
    ],
  );
  t.same(v.parts[0]!.actions, [
    { kind: 'directory', path: '/var/lib/foo', mode: 493 },
    { kind: 'directory', path: '/var/cache/foo', mode: 493 },
  ]);
  t.equal(v.outcome, 'defer');
  t.equal(v.rule.id, 'js-pred');
});
