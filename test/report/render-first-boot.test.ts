import t from 'tap';
import { renderFirstBootJson } from '../../src/report/render-first-boot-json.js';
import { renderFirstBootText } from '../../src/report/render-first-boot-text.js';
import type { FirstBootResult } from '../../src/verify/first-boot-result.js';
import { exclusions } from '../../src/verify/exclusions.js';

const base: FirstBootResult = {
  packages: ['openssh-server'],
  suite: 'bookworm',
  reference: { dir: '/cache/bookworm-x', cached: true },
  installed: ['openssh-server=1'],
  packageMismatch: [],
  plan: { packages: 1, scripts: 2, dropped: 0, translated: 1, deferred: 1, withdrawn: 0, triggerFiles: 0, actions: 1, steps: 1, conflicts: { error: 0, warning: 0 } },
  applied: { done: 1, nothing: 0, deferred: 0 },
  withdrawn: [],
  steps: 2,
  agent: { result: 'ok', total: 2, ok: 2, failed: [] },
  matches: [{ kind: 'user', subject: 'sshd', category: 'accounts' }],
  accepted: [
    {
      subject: { kind: 'file', path: '/etc/ssh/ssh_host_rsa_key', reference: { type: 'file', mode: 0o600, owner: 'root', group: 'root', sha256: 'a' }, scriptlet: { type: 'file', mode: 0o600, owner: 'root', group: 'root', sha256: 'b' } },
      category: 'etc',
      change: 'content differs',
      rule: 'per-machine',
      why: 'SSH host keys',
    },
  ],
  unexplained: [],
  excluded: [{ exclusion: exclusions[0]!, paths: 3, differing: 0 }],
  untouched: 10,
  warnings: [],
};

const failedRun: FirstBootResult = {
  ...base,
  agent: {
    result: 'failed',
    total: 2,
    ok: 1,
    failed: [{ id: '002-openssh-server.postinst', package: 'openssh-server', phase: 'postinst', state: 'failed', exitCode: 1, note: 'exit', logTail: ['ssh-keygen: not found'] }],
  },
};

t.test('a clean run passes and names each accepted difference with its rule and reason', async (t) => {
  const text = renderFirstBootText(base);
  t.match(text, /Guest agent: ok, 2 of 2 steps ok/);
  t.match(text, /Accepted, per-machine state[^\n]*\(1\)\n {2}\[etc\] \/etc\/ssh\/ssh_host_rsa_key: content differs\n {6}SSH host keys/);
  t.match(text, /\nPASS: /);
  const json = JSON.parse(renderFirstBootJson(base)) as { passed: boolean; accepted: { rule: string; reference: { mode: string } }[] };
  t.equal(json.passed, true);
  t.equal(json.accepted[0]!.rule, 'per-machine');
  t.equal(json.accepted[0]!.reference.mode, '0600', 'modes as octal strings');
});

t.test('a failed step fails the run, shown with its id, exit code and log tail, even with no difference', async (t) => {
  const text = renderFirstBootText(failedRun);
  t.match(text, /FAILED 002-openssh-server\.postinst \(openssh-server postinst\): failed, exit 1, exit\n {6}\| ssh-keygen: not found/);
  t.match(text, /\nFAIL: the guest agent's run failed \(1 step not ok\)\n$/);
  t.equal((JSON.parse(renderFirstBootJson(failedRun)) as { passed: boolean }).passed, false);
});

t.test('an unexplained difference fails the run', async (t) => {
  const r: FirstBootResult = { ...base, unexplained: [{ subject: { kind: 'file', path: '/etc/timezone' }, category: 'etc', change: 'content differs (8 -> 5 bytes)' }] };
  t.match(renderFirstBootText(r), /Unexplained differences \(1\)\n {2}\[etc\] \/etc\/timezone: content differs \(8 -> 5 bytes\)[\s\S]*FAIL: 1 unexplained difference\n$/);
});
