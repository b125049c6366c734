import t from 'tap';
import { renderVerifyJson } from '../../src/report/render-verify-json.js';
import { renderVerifyText } from '../../src/report/render-verify-text.js';
import { exclusions } from '../../src/verify/exclusions.js';
import type { VerifyResult } from '../../src/verify/verify-result.js';

const base: VerifyResult = {
  packages: ['openssh-server'],
  suite: 'bookworm',
  reference: { dir: '/cache/bookworm-x', cached: true },
  installed: ['openssh-server=1:9.2p1-2'],
  packageMismatch: [],
  plan: { packages: 1, scripts: 2, dropped: 0, translated: 1, deferred: 1, withdrawn: 0, triggerFiles: 0, actions: 3, steps: 1, conflicts: { error: 0, warning: 0 } },
  withdrawn: [],
  applied: { done: 3, nothing: 0, deferred: 0 },
  matches: [{ kind: 'user', subject: 'sshd', category: 'accounts' }],
  explained: [
    {
      subject: { kind: 'file', path: '/etc/ssh/ssh_host_ed25519_key', reference: { type: 'file', mode: 0o600, owner: 'root', group: 'root', sha256: 'a', size: 399 } },
      category: 'etc',
      change: 'missing (reference has file 0600 399 bytes root:root)',
      explainedBy: [{ step: '001-openssh-server.postinst', package: 'openssh-server', phase: 'postinst', reason: 'host keys are made on the machine that uses them', via: 'its text names /etc/ssh/ssh_host_…' }],
    },
  ],
  unexplained: [],
  excluded: [{ exclusion: exclusions[0]!, paths: 10, differing: 2 }],
  untouched: 100,
};

t.test('text: explained differences name the step and its reason; PASS without unexplained ones', async (t) => {
  const text = renderVerifyText(base);
  t.match(text, /\[etc\] \/etc\/ssh\/ssh_host_ed25519_key: missing/);
  t.match(text, /<- 001-openssh-server\.postinst \(openssh-server postinst\): its text names/);
  t.match(text, /deferred because host keys are made on the machine that uses them/);
  t.match(text, /Matches \(1\).*accounts 1/);
  t.match(text, /^PASS: /m);
});

t.test('text and JSON: withdrawn translations are named', async (t) => {
  const r: VerifyResult = { ...base, withdrawn: ['cron postinst', 'dbus postinst'] };
  t.match(renderVerifyText(r), /translations withdrawn \(an action could not be applied\): cron postinst, dbus postinst/);
  t.same(JSON.parse(renderVerifyJson(r)).withdrawn, ['cron postinst', 'dbus postinst']);
  t.notMatch(renderVerifyText(base), /withdrawn/);
});

t.test('text and JSON: an unexplained difference fails', async (t) => {
  const failing: VerifyResult = {
    ...base,
    unexplained: [{ subject: { kind: 'user', name: 'sshd' }, category: 'accounts', change: 'shell "/usr/sbin/nologin" -> "/bin/sh"' }],
  };
  t.match(renderVerifyText(failing), /^FAIL: 1 unexplained difference$/m);
  const json = JSON.parse(renderVerifyJson(failing)) as { passed: boolean; unexplained: { subject: string }[]; explained: { reference: { mode: string } }[] };
  t.equal(json.passed, false);
  t.same(json.unexplained.map((u) => u.subject), ['sshd']);
  t.equal(json.explained[0]!.reference.mode, '0600', 'modes are octal strings');
});
