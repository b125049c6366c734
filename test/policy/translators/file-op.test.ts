/**
 * File operations under path tests, on the real snippet shapes (login, openssh-client, gunicorn,
 * bash, coreutils, libpam-modules): the script is analysed with the real parser and the
 * translator runs on the command at the given line, as the classifier would call it.
 */
import t from 'tap';
import type { Action } from '../../../src/actions/action.js';
import type { Phase } from '../../../src/formats/types.js';
import { translateFileOp } from '../../../src/policy/translators/file-op.js';
import { TranslateError } from '../../../src/policy/translators/translate-error.js';
import { analyse } from '../../../src/shell/analyse.js';
import { translatorContext } from '../../helpers/translator-context.js';

interface Case {
  name: string;
  script: string;
  line: number;
  want: Action[] | RegExp;
  phase?: Phase;
}

async function run(c: Case): Promise<Action[] | TranslateError | null> {
  const base = translatorContext('deb', c.phase ?? 'postinst', 'pkg');
  const scriptlet = { ...base.scriptlet, body: c.script };
  const analysis = await analyse(scriptlet);
  const index = analysis.commands.findIndex((x) => x.line === c.line && x.name !== '[');
  if (index < 0) throw new Error(`${c.name}: no command at line ${c.line}`);
  try {
    return translateFileOp(analysis.commands[index]!, {}, { scriptlet, analysis, index });
  } catch (e) {
    if (e instanceof TranslateError) return e;
    throw e;
  }
}

const login = `#!/bin/sh
set -e
if [ "$1" = "configure" ]; then
	if [ ! -e "$DPKG_ROOT/etc/subuid" ]; then
		touch "$DPKG_ROOT/etc/subuid"
		chown 0:0 "$DPKG_ROOT/etc/subuid"
		chmod 644 "$DPKG_ROOT/etc/subuid"
	fi
fi
`;
const subuid = { path: '/etc/subuid', test: 'e', holds: false, scope: 'pkg postinst: [ ! -e "$DPKG_ROOT/etc/subuid" ]' } as const;

const sshAgent = `#!/bin/sh
set -e
set_ssh_agent_permissions() {
	if ! dpkg-statoverride --list /usr/bin/ssh-agent >/dev/null; then
		chgrp _ssh /usr/bin/ssh-agent
		chmod 2755 /usr/bin/ssh-agent
	fi
}
if [ "$1" = configure ]; then
	set_ssh_agent_permissions
fi
`;

const cases: Case[] = [
  { name: 'login: touch under [ ! -e ]', script: login, line: 5, want: [{ kind: 'tmpfiles', config: '(touch)', lines: ['f /etc/subuid - - - -'], when: [subuid] }] },
  { name: 'login: chown 0:0 is root', script: login, line: 6, want: [{ kind: 'path-attr', path: '/etc/subuid', owner: 'root', group: 'root', when: [subuid] }] },
  { name: 'login: chmod', script: login, line: 7, want: [{ kind: 'path-attr', path: '/etc/subuid', mode: 0o644, when: [subuid] }] },
  {
    name: 'openssh-client: statoverride test',
    script: sshAgent,
    line: 5,
    want: [{ kind: 'path-attr', path: '/usr/bin/ssh-agent', group: '_ssh', when: [{ path: '/usr/bin/ssh-agent', test: 'statoverride', holds: false, scope: 'pkg postinst: dpkg-statoverride --list /usr/bin/ssh-agent >/dev/null' }] }],
  },
  {
    name: 'bash: /bin/sh link only when missing',
    script: '#!/bin/bash\nset -e\nif [ ! -e /bin/sh ]; then\n    ln -s bash /bin/sh\nfi\n',
    line: 4,
    want: [{ kind: 'symlink', path: '/bin/sh', target: 'bash', when: [{ path: '/bin/sh', test: 'e', holds: false, scope: 'pkg postinst: [ ! -e /bin/sh ]' }] }],
  },
  {
    name: 'xrdp-style symlink test before rm',
    script: '#!/bin/sh\nif [ -h /etc/pam.d/x ]; then\n  rm -f /etc/pam.d/x\nfi\n',
    line: 3,
    want: [{ kind: 'remove', path: '/etc/pam.d/x', recursive: false, when: [{ path: '/etc/pam.d/x', test: 'h', holds: true, scope: 'pkg postinst: [ -h /etc/pam.d/x ]' }] }],
  },
  {
    name: 'libpam-modules: fresh-install or-list passes, but the umask is the script\'s',
    script: '#!/bin/sh\nif [ -z "$2" ] || dpkg --compare-versions "$2" lt 0.99.7.1-3\nthen\n\tif ! [ -f "$DPKG_ROOT"/etc/security/opasswd ]; then\n\t\tumask 066\n\t\ttouch "$DPKG_ROOT"/etc/security/opasswd\n\t\tumask 022\n\tfi\nfi\n',
    line: 6,
    want: /sets its umask/,
  },
  {
    name: 'a preinst runs before its package is unpacked',
    script: '#!/bin/sh\nif [ -f /etc/cron.d/x ]; then\n\trm -f /etc/cron.d/x\nfi\n',
    line: 3,
    phase: 'preinst',
    want: /not decided on the built image/,
  },
  {
    name: 'a test on command output is not a path test',
    script: '#!/bin/sh\nif grep -q foo /etc/x; then\n\trm -f /etc/y\nfi\n',
    line: 3,
    want: /is not a path test/,
  },
  {
    name: 'a tested path from a variable',
    script: '#!/bin/sh\nif [ ! -d "$DIR" ]; then\n\tmkdir /var/lib/x\nfi\n',
    line: 3,
    want: /is not literal/,
  },
  {
    name: 'gunicorn: constants and -d',
    script: '#!/bin/sh\nLOG_DIR=/var/log/gunicorn\ncase "${1}" in\n\tconfigure)\n\t\tif [ ! -d "${LOG_DIR}" ]\n\t\tthen\n\t\t\tmkdir -p ${LOG_DIR}\n\t\tfi\n\t\t;;\nesac\n',
    line: 7,
    want: [{ kind: 'directory', path: '/var/log/gunicorn', when: [{ path: '/var/log/gunicorn', test: 'd', holds: false, scope: 'pkg postinst: [ ! -d "${LOG_DIR}" ]' }] }],
  },
  {
    name: 'coreutils: $DPKG_ROOT link name under a compound test, split (the $1 test holds for configure)',
    script: `#!/bin/sh\nif [ "$1" = 'configure' -a ! -e "$DPKG_ROOT/usr/bin/touch" ]; then\n  ln -s /bin/touch "$DPKG_ROOT/usr/bin/touch"\nfi\n`,
    line: 3,
    want: [{ kind: 'symlink', path: '/usr/bin/touch', target: '/bin/touch', when: [{ path: '/usr/bin/touch', test: 'e', holds: false, scope: `pkg postinst: [ "$1" = 'configure' -a ! -e "$DPKG_ROOT/usr/bin/touch" ]` }] }],
  },
  {
    name: 'two path tests joined by -a become two conditions of one scope',
    script: '#!/bin/sh\nif [ -d /etc/x -a ! -e "/etc/x/y" ]; then\n  touch /etc/x/y\nfi\n',
    line: 3,
    want: [{ kind: 'tmpfiles', config: '(touch)', lines: ['f /etc/x/y - - - -'], when: [
      { path: '/etc/x', test: 'd', holds: true, scope: 'pkg postinst: [ -d /etc/x -a ! -e "/etc/x/y" ]' },
      { path: '/etc/x/y', test: 'e', holds: false, scope: 'pkg postinst: [ -d /etc/x -a ! -e "/etc/x/y" ]' },
    ] }],
  },
  {
    name: 'a compound test whose $1 part fails for configure is refused',
    script: `#!/bin/sh\nif [ "$1" = upgrade -a -e /etc/x ]; then\n  rm -f /etc/x\nfi\n`,
    line: 3,
    want: /does not hold on a fresh install/,
  },
  {
    name: 'the else side of a compound test is refused',
    script: '#!/bin/sh\nif [ -d /etc/x -a -e /etc/x/y ]; then\n  :\nelse\n  rm -f /etc/z\nfi\n',
    line: 5,
    want: /disjunction/,
  },
  {
    name: '-o is not split',
    script: '#!/bin/sh\nif [ -d /etc/x -o -e /etc/y ]; then\n  rm -f /etc/z\nfi\n',
    line: 3,
    want: /not a path test/,
  },
  {
    name: 'a test of DPKG_ROOT itself is the classifier\'s',
    script: '#!/bin/sh\nif [ -z "$DPKG_ROOT" ]; then\n  rm -f /etc/x\nfi\n',
    line: 3,
    want: [{ kind: 'remove', path: '/etc/x', recursive: false }],
  },
];

t.test('file operations under path tests', async (t) => {
  for (const c of cases) {
    const got = await run(c);
    if (c.want instanceof RegExp) {
      t.type(got, TranslateError, c.name);
      if (got instanceof TranslateError) t.match(got.message, c.want, c.name);
    } else t.same(got, c.want, c.name);
  }
});
