import t from 'tap';
import type { Action } from '../../../src/actions/action.js';
import type { Command } from '../../../src/shell/analysis.js';
import { translateSysusersLine } from '../../../src/policy/translators/sysusers-line.js';
import { TranslateError } from '../../../src/policy/translators/translate-error.js';
import { translatorContext } from '../../helpers/translator-context.js';

/** A sysusers.d line as the analysis gives it: the type letter as name, fields as literal words. */
function line(type: string, ...fields: string[]): Command {
  return { name: type, args: fields.map((text) => ({ text, literal: true })), line: 1, guards: [], redirects: [], segment: 0 };
}

const ctx = translatorContext('rpm', 'sysusers');

t.test('sysusers.d lines from RPM SYSUSERS', async (t) => {
  const cases: [Command, Action[] | RegExp][] = [
    [line('u', 'chrony', '-', 'chrony system user', '/var/lib/chrony'), [
      { kind: 'group', name: 'chrony', system: true },
      { kind: 'user', name: 'chrony', system: true, group: 'chrony', home: '/var/lib/chrony', createHome: false, shell: '/usr/sbin/nologin', gecos: 'chrony system user' },
    ]],
    [line('u', 'apache', '48', 'Apache', '/usr/share/httpd', '/sbin/nologin'), [
      { kind: 'group', name: 'apache', system: true, gid: 48 },
      { kind: 'user', name: 'apache', system: true, uid: 48, group: 'apache', home: '/usr/share/httpd', createHome: false, shell: '/sbin/nologin', gecos: 'Apache' },
    ]],
    [line('u', 'tss', '59:59', 'Account used for TPM access', '-', '-'), [
      { kind: 'group', name: 'tss', system: true, gid: 59 },
      { kind: 'user', name: 'tss', system: true, uid: 59, group: 'tss', home: '/', createHome: false, shell: '/usr/sbin/nologin', gecos: 'Account used for TPM access' },
    ]],
    [line('u', 'qemu', '107:kvm', 'qemu user'), [
      { kind: 'user', name: 'qemu', system: true, uid: 107, group: 'kvm', home: '/', createHome: false, shell: '/usr/sbin/nologin', gecos: 'qemu user' },
    ]],
    [line('u', 'root', '0', 'Super User', '/root'), [
      { kind: 'group', name: 'root', system: true, gid: 0 },
      { kind: 'user', name: 'root', system: true, uid: 0, group: 'root', home: '/root', createHome: false, shell: '/bin/sh', gecos: 'Super User' },
    ]],
    [line('g', 'kvm', '36'), [{ kind: 'group', name: 'kvm', system: true, gid: 36 }]],
    [line('g', 'input', '-'), [{ kind: 'group', name: 'input', system: true }]],
    [line('m', 'qemu', 'kvm'), [{ kind: 'group-member', user: 'qemu', group: 'kvm' }]],
    [line('r', '-', '500-900'), /id range/],
    [line('u', 'x', '/usr/bin/x'), /owner of/],
    [line('g', 'x', '/usr/bin/x'), /owner of/],
    [line('u', '%U', '-'), /specifier/],
    [line('u!', 'x', '-'), /modifier/],
    [line('u', '9x', '-'), /not a valid sysusers name/],
    [line('u', 'x', '65535'), /reserved/],
    [line('u', 'x', 'abc'), /not a number/],
    [line('g', 'x', '1', 'extra'), /g takes NAME ID/],
    [line('x', 'x'), /does not translate x/],
  ];
  for (const [command, want] of cases) {
    const label = [command.name, ...command.args.map((a) => a.text)].join(' ');
    let got: unknown;
    try {
      got = translateSysusersLine(command, {}, ctx);
    } catch (e) {
      got = e;
    }
    if (want instanceof RegExp) {
      t.type(got, TranslateError, label);
      if (got instanceof TranslateError) t.match(got.message, want, label);
    } else {
      t.same(got, want, label);
    }
  }
});
