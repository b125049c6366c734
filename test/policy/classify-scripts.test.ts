import t from 'tap';
import { readFileSync } from 'node:fs';
import { analyse } from '../../src/shell/analyse.js';
import { classify } from '../../src/policy/classify.js';
import { builtinRuntime } from '../../src/policy/policy-runtime.js';
import type { Translator } from '../../src/policy/translator.js';
import type { Scriptlet } from '../../src/formats/types.js';
import { chain, policyFromText, policyOf } from '../helpers/policy-of.js';

// Real script text through the real analyser, against policies/base.json5 plus a few child rules.
const base = policyFromText(readFileSync(new URL('../../policies/base.json5', import.meta.url), 'utf8'), '/policies/base.json5');

const enableUnits: Translator = (command) => {
  const [verb, ...rest] = command.args.filter((a) => !a.text.startsWith('-')).map((a) => a.text);
  if (verb === 'enable') return rest.map((unit) => ({ kind: 'systemd-enable' as const, unit }));
  if (verb === 'was-enabled' || verb === 'unmask' || verb === 'update-state') return [];
  return null;
};
const runtime = builtinRuntime(new Map([['deb-systemd-helper', enableUnits]]));

const child = policyOf(
  [
    {
      id: 'dh-systemd-enable',
      match: { segment: { helper: 'dh_installsystemd', template: 'postinst-systemd-enable' } },
      outcome: 'translate',
      translate: { translator: 'deb-systemd-helper' },
      reason: 'enables the unit: a symlink in the image',
    },
    { id: 'debconf', scope: 'script', match: { command: 'db_*' }, outcome: 'defer', reason: 'asks debconf questions' },
  ],
  'debian-test',
);
const policy = chain(child, base);

function deb(phase: Scriptlet['phase'], body: string): Scriptlet {
  return { package: 'foo', format: 'deb', phase, interpreter: { kind: 'sh', argv: ['/bin/sh'] }, body, origin: `control.tar.xz:${phase}` };
}

const postinst = `#!/bin/sh
set -e

case "$1" in
    configure)
        if [ -z "$2" ]; then
            frobnicate --init
        fi
    ;;
    abort-upgrade|abort-remove|abort-deconfigure)
        undo-things
    ;;
    *)
        echo "postinst called with unknown argument \\\`$1'" >&2
        exit 1
    ;;
esac

# Automatically added by dh_installsystemd/13.11.4
if [ "$1" = "configure" ] || [ "$1" = "abort-upgrade" ] || [ "$1" = "abort-deconfigure" ] || [ "$1" = "abort-remove" ] ; then
	# This will only remove masks created by d-s-h on package removal.
	deb-systemd-helper unmask 'foo.service' >/dev/null || true

	# was-enabled defaults to true, so new installations run enable.
	if deb-systemd-helper --quiet was-enabled 'foo.service'; then
		# Enables the unit on first installation, creates new
		# symlinks on upgrades if the unit file has changed.
		deb-systemd-helper enable 'foo.service' >/dev/null || true
	else
		# Update the statefile to add new symlinks (if any), which need to be
		# cleaned up on purge. Also remove old symlinks.
		deb-systemd-helper update-state 'foo.service' >/dev/null || true
	fi
fi
# End automatically added section

exit 0
`;

t.test('a typical postinst: boilerplate drops, the dh snippet translates, hand-written work defers', async (t) => {
  const s = deb('postinst', postinst);
  const a = await analyse(s);
  t.equal(a.parseError, undefined);
  const v = classify(s, a, policy, runtime);
  const byRule = new Map<string, number>();
  for (const p of v.parts) byRule.set(p.rule.id, (byRule.get(p.rule.id) ?? 0) + 1);
  t.equal(v.outcome, 'defer');
  t.equal(v.rule.id, '(default)');
  const deferred = v.parts.filter((p) => p.outcome === 'defer');
  t.same(
    deferred.map((p) => (p.part.kind === 'command' ? a.commands[p.part.index]!.name : p.part.kind)),
    ['frobnicate'],
    'only the hand-written configure work defers',
  );
  t.ok(byRule.get('deb-not-install-argument'), 'the abort branch drops');
  t.ok(byRule.get('deb-unknown-argument'), 'the catch-all exit drops');
  const segment = v.parts.find((p) => p.part.kind === 'segment');
  t.equal(segment?.rule.id, 'dh-systemd-enable');
  t.same(v.actions, [{ kind: 'systemd-enable', unit: 'foo.service' }]);
});

t.test('the same postinst without the hand-written work translates', async (t) => {
  const s = deb('postinst', postinst.replace(/        if \[ -z "\$2" \]; then\n            frobnicate --init\n        fi\n/, ''));
  const v = classify(s, await analyse(s), policy, runtime);
  t.equal(v.outcome, 'translate');
  t.equal(v.rule.id, 'dh-systemd-enable');
  t.same(v.actions, [{ kind: 'systemd-enable', unit: 'foo.service' }]);
});

const emptyScripts: [string, string][] = [
  ['comments only', '#!/bin/sh\n# nothing to do\n'],
  ['set -e and exit 0', '#!/bin/sh\nset -e\n\n# debhelper placeholder\n\nexit 0\n'],
  ['set -eu, a bare exit', '#!/bin/sh\nset -eu\nexit\n'],
  [
    'case with empty arms',
    '#!/bin/sh\nset -e\ncase "$1" in\n  configure) ;;\n  abort-upgrade|abort-remove|abort-deconfigure) ;;\n  *) echo "unknown argument $1" >&2; exit 1 ;;\nesac\nexit 0\n',
  ],
];

for (const [name, body] of emptyScripts) {
  t.test(`an empty script drops: ${name}`, async (t) => {
    const s = deb('postinst', body);
    const v = classify(s, await analyse(s), policy, runtime);
    t.equal(v.outcome, 'drop', v.reason);
  });
}

t.test('a debconf script defers as a whole', async (t) => {
  const s = deb('postinst', '#!/bin/sh\nset -e\n. /usr/share/debconf/confmodule\ndb_get foo/question\nexit 0\n');
  const v = classify(s, await analyse(s), policy, runtime);
  t.equal(v.outcome, 'defer');
  t.equal(v.rule.id, 'debconf');
  t.equal(v.parts.length, 1);
});

t.test('a script that does not parse defers with the parse error', async (t) => {
  const s = deb('postinst', '#!/bin/sh\nif true; then\n  echo x\nfi fi )\n');
  const a = await analyse(s);
  t.ok(a.parseError, 'the analyser reports a parse error');
  const v = classify(s, a, policy, runtime);
  t.equal(v.outcome, 'defer');
  t.match(v.reason, /^could not parse line \d+/);
});

t.test('Arch: only the entry function counts', async (t) => {
  const install = `post_install() {
  frobnicate --now
}

post_upgrade() {
  post_install
}

pre_remove() {
  rm -rf /var/lib/foo
}
`;
  const arch = (phase: Scriptlet['phase']): Scriptlet => ({
    package: 'foo',
    format: 'arch',
    phase,
    entry: phase,
    interpreter: { kind: 'bash', argv: ['/bin/bash'] },
    body: install,
    origin: '.INSTALL',
  });
  const v = classify(arch('post_install'), await analyse(arch('post_install')), policy, runtime);
  t.equal(v.outcome, 'defer');
  t.equal(v.parts.length, 1);
  const r = classify(arch('pre_remove'), await analyse(arch('pre_remove')), policy, runtime);
  t.equal(r.outcome, 'drop');
  t.equal(r.rule.id, 'removal-phase');
});
