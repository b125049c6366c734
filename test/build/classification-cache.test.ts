import t from 'tap';
import { classificationKey, policyFingerprint } from '../../src/build/classification-cache.js';
import type { Scriptlet } from '../../src/formats/types.js';
import type { ResolvedPolicy } from '../../src/policy/resolved-policy.js';

const script: Scriptlet = { package: 'dash', format: 'deb', phase: 'postinst', interpreter: { kind: 'sh', argv: ['/bin/sh'] }, body: '#!/bin/sh\nexit 0\n', origin: 'control.tar.xz:postinst' };
const pkg = { name: 'dash', version: '0.5.12-2', arch: 'amd64' };
const base = classificationKey('code', 'policy', pkg, script);

// Every input of a verdict is part of the key: changing any one gives another key.
const changes: Array<[string, string]> = [
  ['scriptlet code', classificationKey('code2', 'policy', pkg, script)],
  ['policy', classificationKey('code', 'policy2', pkg, script)],
  ['package name', classificationKey('code', 'policy', { ...pkg, name: 'ash' }, script)],
  ['package version', classificationKey('code', 'policy', { ...pkg, version: '0.5.12-3' }, script)],
  ['architecture', classificationKey('code', 'policy', { ...pkg, arch: 'arm64' }, script)],
  ['script bytes', classificationKey('code', 'policy', pkg, { ...script, body: '#!/bin/sh\nexit 1\n' })],
  ['phase', classificationKey('code', 'policy', pkg, { ...script, phase: 'preinst' })],
  ['encoding', classificationKey('code', 'policy', pkg, { ...script, bodyEncoding: 'latin1' })],
];
for (const [what, key] of changes) t.not(key, base, `another ${what}, another key`);
t.equal(classificationKey('code', 'policy', { ...pkg }, { ...script }), base, 'equal inputs, equal key');

t.test('policyFingerprint covers the chain’s files and the rules’ modules by content', async (t) => {
  const files: Record<string, string> = { '/p/mine.json5': 'a', '/p/base.json5': 'b', '/p/rules/m.js': 'c' };
  const policy: ResolvedPolicy = {
    name: 'mine',
    family: 'debian',
    file: '/p/mine.json5',
    rules: [{ rule: { id: 'r' } as ResolvedPolicy['rules'][number]['rule'], policy: 'mine', file: '/p/mine.json5', line: 1, column: 1, matchModule: '/p/rules/m.js' }],
    files: ['/p/mine.json5', '/p/base.json5'],
  };
  const read = (path: string): Buffer => Buffer.from(files[path] ?? '');
  const before = policyFingerprint(policy, read);
  for (const file of Object.keys(files)) {
    const saved = files[file] as string;
    files[file] = `${saved} edited`;
    t.not(policyFingerprint(policy, read), before, `${file} edited`);
    files[file] = saved;
  }
  t.equal(policyFingerprint(policy, read), before, 'unchanged files, same fingerprint');
  t.not(policyFingerprint({ ...policy, rules: [{ ...(policy.rules[0] as ResolvedPolicy['rules'][number]), line: 2 }] }, read), before, 'a rule moved (verdicts cite its line)');
});
