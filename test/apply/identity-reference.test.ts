/**
 * Accounts made by the appliers against the real tools: the same command lines go through the
 * translators into the appliers (over the pristine chroot) and through adduser, useradd and
 * systemd-sysusers inside a copy of a bookworm chroot. The account files must be byte-identical.
 */
import t, { type Test } from 'tap';
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Action } from '../../src/actions/action.js';
import { applyActions } from '../../src/apply/apply-actions.js';
import { HostImageView, MemoryImageView } from '../../src/apply/image-view.js';
import type { Translator } from '../../src/policy/translator.js';
import { translateAdduser } from '../../src/policy/translators/adduser.js';
import { translateGroupadd } from '../../src/policy/translators/groupadd.js';
import { translateUseradd } from '../../src/policy/translators/useradd.js';
import { TranslateError } from '../../src/policy/translators/translate-error.js';
import { bookwormChroot, copyTree, hasCommand } from '../helpers/reference-trees.js';
import { runTranslator } from '../helpers/run-translator.js';

const EPOCH = 1700000000;
const chroot = bookwormChroot();
const FILES = ['/etc/passwd', '/etc/group', '/etc/shadow', '/etc/gshadow'];

function actionsOf(lines: readonly [Translator, string][]): Action[] {
  return lines.flatMap(([tr, line]) => {
    const got = runTranslator(tr, line);
    if (got === null || got instanceof TranslateError) throw new Error(`${line}: ${got === null ? 'null' : got.message}`);
    return got;
  });
}

function runInChroot(dir: string, line: string): void {
  try {
    execFileSync('chroot', [dir, '/bin/sh', '-c', line], { env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', SOURCE_DATE_EPOCH: String(EPOCH), LC_ALL: 'C' }, stdio: 'pipe' });
  } catch {
    // adduser exits 1 for an existing non-system user, as the applier's deferral says.
  }
}

function staged(result: ReturnType<typeof applyActions>, path: string): string | undefined {
  const n = result.staging.get(path);
  return n?.type === 'file' ? n.content.toString('utf8') : undefined;
}

if ('skip' in chroot) {
  t.plan(0, `no bookworm chroot: ${chroot.skip}`);
} else {
  const pristine = chroot.dir;

  t.test('adduser --system sequences match adduser 3.134 in a bookworm chroot', async (t) => {
    const lines: [Translator, string][] = [
      [translateAdduser, 'adduser --quiet --system --no-create-home --home /run/sshd --shell /usr/sbin/nologin sshd'],
      [translateAdduser, 'adduser --disabled-password --quiet --system --home /run/avahi-daemon --no-create-home --gecos "Avahi mDNS daemon" --group avahi'],
      [translateAdduser, 'addgroup --quiet --system dcmtk'],
      [translateAdduser, 'adduser --quiet --system --ingroup dcmtk --home /var/lib/dcmtk/db --shell /usr/sbin/nologin dcmtk'],
      [translateAdduser, 'adduser --quiet --system --group --disabled-login --home /var/lib/etcd/ etcd'],
      [translateAdduser, 'adduser --quiet --system --uid 120 --group --comment x svc'],
      [translateAdduser, 'adduser --quiet --system --no-create-home --home /run/sshd sshd'],
      [translateAdduser, 'adduser --quiet --system --gecos "Plain,Room" g1'],
      [translateAdduser, 'adduser --quiet --system --gecos "Full Name" g2'],
      [translateAdduser, 'addgroup --quiet --system --gid 150 fixed'],
      [translateAdduser, 'adduser --quiet svc dcmtk'],
      [translateAdduser, 'adduser --quiet --system --home /srv/made/deep made'],
      [translateAdduser, 'adduser --quiet --system nobody'],
    ];
    const reference = t.testdir();
    copyTree(pristine, reference);
    for (const [, line] of lines) runInChroot(reference, line);

    const result = applyActions(actionsOf(lines), new HostImageView(pristine), { family: 'debian', epoch: EPOCH });
    for (const f of FILES) t.equal(staged(result, f), readFileSync(join(reference, f), 'utf8'), f);
    for (const home of ['/var/lib/dcmtk/db', '/var/lib/etcd', '/srv/made/deep', '/srv/made']) {
      const n = result.staging.get(home);
      const st = lstatSync(join(reference, home));
      t.ok(n && n.type === 'dir', `${home} staged`);
      if (n && n.type === 'dir') t.strictSame([n.mode, n.uid, n.gid], [st.mode & 0o7777, st.uid, st.gid], `${home} mode and owner`);
    }
    t.notOk(result.staging.get('/run/sshd'), 'no home for --no-create-home');
    const nobody = result.applied.find((a) => a.action.kind === 'user' && a.action.name === 'nobody');
    t.equal(nobody?.outcome.kind, 'defer', 'adduser --system on a non-system user exits 1: deferred with the reason');
  });

  t.test('useradd -r and groupadd -r match shadow 4.13 in a bookworm chroot', async (t) => {
    const lines: [Translator, string][] = [
      [translateUseradd, 'useradd -r ua1'],
      [translateUseradd, 'useradd -r -u 300 ub2'],
      [translateGroupadd, 'groupadd -r ga1'],
      [translateUseradd, 'useradd -r ua3'],
      [translateUseradd, 'useradd -r -d /var/lib/ua5 -m -c "User five" ua5'],
      [translateUseradd, 'useradd -r -g nogroup -s /usr/sbin/nologin -M ua6'],
      [translateGroupadd, 'groupadd -g 450 ga2'],
      [translateUseradd, 'useradd -r -G ga2,ga1 ua7'],
    ];
    const reference = t.testdir();
    copyTree(pristine, reference);
    for (const [, line] of lines) runInChroot(reference, line);
    const result = applyActions(actionsOf(lines), new HostImageView(pristine), { family: 'debian', epoch: EPOCH, identityTool: 'useradd' });
    for (const f of FILES) t.equal(staged(result, f), readFileSync(join(reference, f), 'utf8'), f);
    for (const p of ['/var/lib/ua5', '/var/lib/ua5/.bashrc', '/var/lib/ua5/.profile']) {
      const n = result.staging.get(p);
      const st = lstatSync(join(reference, p));
      t.ok(n, `${p} staged`);
      if (n && n.type !== 'remove') t.strictSame([n.type === 'symlink' ? 0o777 : n.mode, n.uid, n.gid], [st.mode & 0o7777, st.uid, st.gid], `${p} attributes`);
      if (n?.type === 'file') t.equal(n.content.toString('latin1'), readFileSync(join(reference, p), 'latin1'), `${p} content`);
    }
  });

  t.test('sysusers.d lines match systemd-sysusers --root', { skip: hasCommand('systemd-sysusers') ? false : 'no systemd-sysusers' }, async (t: Test) => {
    const conf = [
      'g grpa -',
      'u usra - "User A" /var/lib/a',
      'u usrb 200 "B"',
      'g grpb 300',
      'u usrc -:grpb',
      'm usra grpb',
      'u usrd 400:grpa - /home/d /bin/bash',
      'u daemon - "already there"',
      'u usre -',
    ].join('\n');
    const reference = t.testdir();
    mkdirSync(join(reference, 'etc'), { recursive: true });
    mkdirSync(join(reference, 'usr/lib/sysusers.d'), { recursive: true });
    const image = new MemoryImageView();
    for (const f of FILES) {
      const text = readFileSync(join(pristine, f), 'utf8');
      writeFileSync(join(reference, f), text);
      image.set(f, text);
    }
    writeFileSync(join(reference, 'usr/lib/sysusers.d/test.conf'), `${conf}\n`);
    image.set('/usr/lib/sysusers.d/test.conf', `${conf}\n`);
    execFileSync('systemd-sysusers', [`--root=${reference}`, 'test.conf'], { env: { ...process.env, SOURCE_DATE_EPOCH: String(EPOCH) }, stdio: 'pipe' });
    const result = applyActions([{ kind: 'sysusers', config: 'test.conf' }], image, { family: 'debian', epoch: EPOCH });
    for (const f of FILES) t.equal(staged(result, f), readFileSync(join(reference, f), 'utf8'), f);
  });

  t.test('a fresh image gets base-passwd masters and shadowconfig as dpkg leaves them', async (t) => {
    const image = new MemoryImageView();
    for (const f of ['/usr/share/base-passwd/passwd.master', '/usr/share/base-passwd/group.master', '/etc/login.defs', '/etc/adduser.conf']) {
      image.set(f, readFileSync(join(pristine, f), 'utf8'));
    }
    image.set('/usr/sbin/shadowconfig', '#!/bin/sh\n');
    const result = applyActions(actionsOf([[translateAdduser, 'adduser --system --group --quiet foo']]), image, { family: 'debian', epoch: EPOCH });
    const day = String(Math.floor(EPOCH / 86400));
    // The chroot's shadow has the day mmdebstrap ran; everything else must agree.
    const strip = (text: string): string =>
      text
        .split('\n')
        .map((l) => l.replace(/^([^:]+:[^:]*:)\d+:/, `$1${day}:`))
        .join('\n');
    const foo = { passwd: 'foo:x:100:101::/nonexistent:/usr/sbin/nologin\n', group: 'foo:x:101:\n', shadow: `foo:!:${day}::::::\n`, gshadow: 'foo:!::\n' };
    const read = (f: string): string => readFileSync(join(pristine, f), 'utf8');
    t.equal(staged(result, '/etc/passwd'), read('/etc/passwd') + foo.passwd);
    t.equal(staged(result, '/etc/group'), read('/etc/group') + foo.group);
    t.equal(staged(result, '/etc/shadow'), strip(read('/etc/shadow')) + foo.shadow);
    t.equal(staged(result, '/etc/gshadow'), read('/etc/gshadow') + foo.gshadow);
    const shadow = result.staging.get('/etc/shadow');
    t.match(shadow, { type: 'file', mode: 0o640, uid: 0, gid: 42, gname: 'shadow' }, 'shadow is 0640 root:shadow');
  });
}
