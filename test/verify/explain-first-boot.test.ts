import t from 'tap';
import type { Difference } from '../../src/verify/compare-states.js';
import { explainFirstBoot, type FirstBootFacts, type FirstBootRule } from '../../src/verify/explain-first-boot.js';
import type { FileState } from '../../src/verify/tree-state.js';
import type { GroupState, UserState } from '../../src/verify/account-state.js';

const file = (sha256: string, over: Partial<FileState> = {}): FileState => ({ type: 'file', mode: 0o600, owner: 'root', group: 'root', sha256, size: 10, ...over });
const dir: FileState = { type: 'dir', mode: 0o755, owner: 'root', group: 'root' };

function fileDiff(path: string, reference: FileState | undefined, scriptlet: FileState | undefined, below?: number): Difference {
  return {
    subject: { kind: 'file', path, ...(reference ? { reference } : {}), ...(scriptlet ? { scriptlet } : {}) },
    category: 'etc',
    change: 'test',
    ...(below ? { below } : {}),
  };
}

const group = (gid: number, over: Partial<GroupState> = {}): GroupState => ({ password: 'x', gid, members: [], ...over });
const user = (uid: number, over: Partial<UserState> = {}): UserState => ({ password: 'x', uid, group: 'nogroup', gecos: '', home: '/nonexistent', shell: '/usr/sbin/nologin', ...over });

const contents: Record<string, Record<'reference' | 'scriptlet', string>> = {
  '/etc/shells': { reference: '# x\n/bin/sh\n/bin/bash\n/usr/bin/sh\n/usr/bin/bash\n', scriptlet: '# x\n/bin/sh\n/usr/bin/sh\n/bin/bash\n/usr/bin/bash\n' },
  '/var/lib/ucf/registry': { reference: 'pg \t /etc/pg.conf\nchrony \t /etc/chrony.conf\n', scriptlet: 'chrony \t /etc/chrony.conf\npg \t /etc/pg.conf\n' },
};
const shellsWithExtraLine = { reference: contents['/etc/shells']!.reference, scriptlet: `${contents['/etc/shells']!.scriptlet}/bin/zsh\n` };

function facts(over: Partial<FirstBootFacts> = {}, files = contents): FirstBootFacts {
  return {
    ownPaths: ['/init', '/usr/lib/scriptlet', '/var/lib/scriptlet', '/etc/systemd/system/sysinit.target.wants/scriptlet-agent.service'],
    madeAtFirstBoot: { users: ['sshd'], groups: [] },
    content: (side, path) => (files[path] ? Buffer.from(files[path]![side]) : undefined),
    ...over,
  };
}

const cases: { name: string; d: Difference; facts?: FirstBootFacts; rule: FirstBootRule | undefined }[] = [
  // per-machine state: content only
  { name: 'a host key with other content', d: fileDiff('/etc/ssh/ssh_host_ed25519_key', file('a'), file('b')), rule: 'per-machine' },
  { name: 'a host key with another mode', d: fileDiff('/etc/ssh/ssh_host_ed25519_key', file('a'), file('b', { mode: 0o644 })), rule: undefined },
  { name: 'a host key with another owner', d: fileDiff('/etc/ssh/ssh_host_rsa_key.pub', file('a'), file('a', { owner: 'sshd' })), rule: undefined },
  { name: 'a host key missing', d: fileDiff('/etc/ssh/ssh_host_rsa_key', file('a'), undefined), rule: undefined },
  { name: 'a host key only after first boot', d: fileDiff('/etc/ssh/ssh_host_rsa_key', undefined, file('a')), rule: undefined },
  {
    name: 'a PostgreSQL control file with other content',
    d: fileDiff('/var/lib/postgresql/15/main/global/pg_control', file('a', { owner: 'postgres' }), file('b', { owner: 'postgres' })),
    rule: 'per-machine',
  },
  { name: 'a PostgreSQL configuration file is not per-machine', d: fileDiff('/etc/postgresql/15/main/postgresql.conf', file('a'), file('b')), rule: undefined },
  { name: 'a random seed with other content', d: fileDiff('/var/lib/systemd/random-seed', file('a'), file('b')), rule: 'per-machine' },
  { name: 'sshd_config is not per-machine', d: fileDiff('/etc/ssh/sshd_config', file('a'), file('b')), rule: undefined },
  { name: 'a key file of another name is not per-machine', d: fileDiff('/etc/ssh/ssh_host_rsa_key.bak', file('a'), file('b')), rule: undefined },
  // scriptlet's own files
  { name: 'the agent directory, only after first boot', d: fileDiff('/usr/lib/scriptlet', undefined, dir, 250), rule: 'scriptlet' },
  { name: "the agent's state and logs", d: fileDiff('/var/lib/scriptlet/logs/001-a.postinst.log', undefined, file('a')), rule: 'scriptlet' },
  { name: 'the /init link', d: fileDiff('/init', undefined, { type: 'symlink', mode: 0o777, owner: 'root', group: 'root', target: '/usr/lib/scriptlet/init' }), rule: 'scriptlet' },
  { name: 'an own path the reference has too is a collision', d: fileDiff('/init', file('a'), file('b')), rule: undefined },
  { name: 'a similar name is not own', d: fileDiff('/usr/lib/scriptlet-other', undefined, dir), rule: undefined },
  { name: 'a directory made only to hold the start link', d: fileDiff('/etc/systemd/system/sysinit.target.wants', undefined, dir, 1), rule: 'scriptlet' },
  { name: 'a directory holding more than the start link', d: fileDiff('/etc/systemd/system/sysinit.target.wants', undefined, dir, 2), rule: undefined },
  // dynamic ids
  {
    name: 'a group whose dynamic gid moved, accounts made at first boot',
    d: { subject: { kind: 'group', name: 'crontab', reference: group(101), scriptlet: group(102) }, category: 'accounts', change: 'gid' },
    rule: 'id-order',
  },
  {
    name: 'the same, but nothing was made at first boot',
    d: { subject: { kind: 'group', name: 'crontab', reference: group(101), scriptlet: group(102) }, category: 'accounts', change: 'gid' },
    facts: facts({ madeAtFirstBoot: { users: [], groups: [] } }),
    rule: undefined,
  },
  {
    name: 'a gid outside the dynamic range',
    d: { subject: { kind: 'group', name: 'crontab', reference: group(1001), scriptlet: group(1002) }, category: 'accounts', change: 'gid' },
    rule: undefined,
  },
  {
    name: 'a user whose uid and shell differ',
    d: { subject: { kind: 'user', name: 'sshd', reference: user(101), scriptlet: user(102, { shell: '/bin/sh' }) }, category: 'accounts', change: 'uid, shell' },
    rule: undefined,
  },
  // line order
  { name: '/etc/shells, the same lines in another order', d: fileDiff('/etc/shells', file('a', { mode: 0o644 }), file('b', { mode: 0o644 })), rule: 'line-order' },
  {
    name: '/etc/shells with a line more',
    d: fileDiff('/etc/shells', file('a', { mode: 0o644 }), file('b', { mode: 0o644 })),
    facts: facts({}, { '/etc/shells': shellsWithExtraLine }),
    rule: undefined,
  },
  { name: "ucf's registry in another order", d: fileDiff('/var/lib/ucf/registry', file('a', { mode: 0o644 }), file('b', { mode: 0o644 })), rule: 'line-order' },
  { name: 'another file with its lines reordered', d: fileDiff('/etc/hosts', file('a'), file('b')), facts: facts({}, { '/etc/hosts': contents['/etc/shells']! }), rule: undefined },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    const [e] = explainFirstBoot([c.d], c.facts ?? facts());
    t.equal(e?.rule, c.rule);
    if (e) t.ok(e.why.length > 10, 'with a reason');
  });
}
