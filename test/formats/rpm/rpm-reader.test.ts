import { readFileSync } from 'node:fs';
import t from 'tap';
import { rpmReader } from '../../../src/formats/rpm/rpm-reader.js';
import type { Package, Scriptlet } from '../../../src/formats/types.js';
import { RpmSense, RpmTag, RpmType } from '../../../src/formats/rpm/rpm-tags.js';
import { buildRpm, runTool } from '../../helpers/build-rpm.js';
import { writeRpmFile, writeRpmHeader } from '../../helpers/write-rpm-header.js';
import { alphaSpec, alphaSysusersLine, betaSpec } from '../../helpers/rpm-fixture-specs.js';

const dir = t.testdir();
const fixtures = { alpha: alphaSpec, beta: betaSpec } as const;
const built: Record<string, { file: string; pkg: Package }> = {};

t.before(async () => {
  for (const [name, spec] of Object.entries(fixtures)) {
    const file = await buildRpm(dir, name, spec);
    built[name] = { file, pkg: await rpmReader.read(readFileSync(file), file) };
  }
});

const slotLabels: [Scriptlet['phase'], string][] = [
  ['pretrans', 'pretrans'],
  ['pre', 'preinstall'],
  ['post', 'postinstall'],
  ['preun', 'preuninstall'],
  ['postun', 'postuninstall'],
  ['posttrans', 'posttrans'],
  ['verify', 'verify'],
];

/** Our Package in the text `rpm -qp --scripts --triggers --filetriggers` prints (rpmpopt aliases). */
function renderLikeRpm(pkg: Package): string {
  let out = '';
  for (const [phase, label] of slotLabels) {
    const s = pkg.scriptlets.find((x) => x.phase === phase);
    if (!s) continue;
    const prog = s.interpreter.argv.join(' ');
    out += s.interpreter.kind === 'program' ? `${label} program: ${prog}\n` : `${label} scriptlet (using ${prog}):\n${s.body}\n`;
  }
  for (const s of pkg.scriptlets.filter((x) => x.triggers !== undefined)) {
    const conds = (s.triggers ?? []).map((c) => (c.op ? `${c.target} ${c.op} ${c.version}` : c.target)).join(', ');
    out += `${s.phase} scriptlet (using ${s.interpreter.argv.join(' ')}) -- ${conds}\n${s.body}\n`;
  }
  return out;
}

const get = (name: string) => {
  const b = built[name];
  if (!b) throw new Error(`fixture ${name} not built`);
  return b;
};

for (const name of Object.keys(fixtures)) {
  t.test(`${name}: scriptlets and triggers match rpm -qp --scripts --triggers --filetriggers`, async (t) => {
    const { file, pkg } = get(name);
    const rpmText = await runTool('rpm', ['-qp', '--scripts', '--triggers', '--filetriggers', file]);
    t.equal(renderLikeRpm(pkg), rpmText);
  });

  t.test(`${name}: identity matches rpm -qp --qf`, async (t) => {
    const { file, pkg } = get(name);
    const [n, epoch, version, release, arch] = (
      await runTool('rpm', ['-qp', '--qf', '%{NAME}\\n%|EPOCH?{%{EPOCH}}:{}|\\n%{VERSION}\\n%{RELEASE}\\n%{ARCH}\\n', file])
    ).split('\n');
    t.equal(pkg.format, 'rpm');
    t.equal(pkg.name, n);
    t.equal(pkg.epoch, epoch === '' ? undefined : Number(epoch));
    t.equal(pkg.release, release);
    t.equal(pkg.arch, arch);
    t.equal(pkg.version, `${epoch ? `${epoch}:` : ''}${version}-${release}`);
    t.equal(pkg.source, file);
  });

  t.test(`${name}: requires and provides match rpm -qp --qf`, async (t) => {
    const { file, pkg } = get(name);
    const rows = async (prefix: string) =>
      (
        await runTool('rpm', [
          '-qp',
          '--qf',
          `[%{${prefix}NAME}\\t%{${prefix}FLAGS}\\t%{${prefix}FLAGS:depflags}\\t%{${prefix}VERSION}\\n]`,
          file,
        ])
      )
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => {
          const [dep, flags, op, version] = l.split('\t') as [string, string, string, string];
          const d = op.trim() ? { name: dep, op: op.trim(), version } : { name: dep };
          return { d, flags: Number(flags) };
        });
    const uniq = (ds: object[]) => [...new Map(ds.map((d) => [JSON.stringify(d), d])).values()];
    const requires = (await rows('REQUIRE')).filter((r) => (r.flags & (1 << 24)) === 0);
    const preBits = (1 << 6) | (1 << 7) | (1 << 9);
    const pre = uniq(requires.filter((r) => r.flags & preBits).map((r) => r.d));
    const preKeys = new Set(pre.map((d) => JSON.stringify(d)));
    const plain = uniq(requires.filter((r) => !(r.flags & preBits)).map((r) => r.d)).filter(
      (d) => !preKeys.has(JSON.stringify(d)),
    );
    t.same(pkg.preDepends, pre.map((d) => [d]));
    t.same(pkg.depends, plain.map((d) => [d]));
    t.same(pkg.provides, (await rows('PROVIDE')).map((r) => r.d));
    t.notOk(JSON.stringify(pkg.depends).includes('rpmlib('), 'rpmlib() features are not package dependencies');
  });
}

t.test('alpha: interpreters, flags, priorities, sysusers', async (t) => {
  const { file, pkg } = get('alpha');
  const by = (phase: string) => pkg.scriptlets.filter((s) => s.phase === phase);
  const one = (phase: string) => {
    const [s] = by(phase);
    if (!s) throw new Error(`no ${phase}`);
    return s;
  };
  t.same(
    pkg.scriptlets.map((s) => [s.phase, s.interpreter.kind, s.origin]),
    [
      ['pretrans', 'sh', 'header:PRETRANS'],
      ['sysusers', 'sysusers', 'header:PROVIDENAME'],
      ['pre', 'sh', 'header:PREIN'],
      ['post', 'lua', 'header:POSTIN'],
      ['posttrans', 'sh', 'header:POSTTRANS'],
      ['preun', 'sh', 'header:PREUN'],
      ['postun', 'program', 'header:POSTUN'],
      ['verify', 'sh', 'header:VERIFYSCRIPT'],
      ['triggerin', 'sh', 'header:TRIGGERSCRIPTS[0]'],
      ['triggerun', 'sh', 'header:TRIGGERSCRIPTS[1]'],
      ['filetriggerin', 'sh', 'header:FILETRIGGERSCRIPTS[0]'],
      ['transfiletriggerin', 'sh', 'header:TRANSFILETRIGGERSCRIPTS[0]'],
    ],
  );
  t.ok(pkg.scriptlets.every((s) => s.package === 'alpha' && s.format === 'rpm'));
  t.same(one('post').interpreter.argv, ['<lua>']);
  t.same(pkg.preDepends.flat().filter((d) => d.name === 'shadow-utils'), [{ name: 'shadow-utils' }]);
  t.same(pkg.depends.flat().filter((d) => d.name === 'bash'), [{ name: 'bash', op: '>=', version: '5.0' }]);
  t.same(pkg.provides.find((d) => d.name === 'alphacap'), { name: 'alphacap', op: '=', version: '2.0' });
  t.same(one('postun'), {
    package: 'alpha',
    format: 'rpm',
    phase: 'postun',
    interpreter: { kind: 'program', argv: ['/sbin/ldconfig'] },
    body: '',
    origin: 'header:POSTUN',
  });
  // `-e` sets RPMSCRIPT_FLAG_EXPAND; rpmbuild writes no flags tag for the others.
  const posttransFlags = (await runTool('rpm', ['-qp', '--qf', '%{POSTTRANSFLAGS}', file])).trim();
  t.equal(posttransFlags, '1');
  t.equal(one('posttrans').flags, 1);
  t.equal(one('pre').flags, undefined);
  t.same(one('triggerin').triggers, [{ target: 'otherpkg', op: '>=', version: '1.0' }, { target: 'thirdpkg' }]);
  t.same(one('triggerun').triggers, [{ target: 'otherpkg', op: '<', version: '2.0' }]);
  const prio = (await runTool('rpm', ['-qp', '--qf', '[%{FILETRIGGERPRIORITIES}\\n][%{TRANSFILETRIGGERPRIORITIES}\\n]', file]))
    .trim()
    .split('\n')
    .map(Number);
  t.same(prio, [2000, 1000000]);
  t.same(one('filetriggerin').triggers, [{ target: '/usr/lib/foo', priority: 2000 }]);
  t.same(one('transfiletriggerin').triggers, [
    { target: '/usr/lib/bar', priority: 1000000 },
    { target: '/usr/share/baz', priority: 1000000 },
  ]);
  t.same(one('sysusers'), {
    package: 'alpha',
    format: 'rpm',
    phase: 'sysusers',
    interpreter: { kind: 'sysusers', argv: ['systemd-sysusers', '-'] },
    body: alphaSysusersLine,
    origin: 'header:PROVIDENAME',
  });
});

t.test('beta: PROG arrays, program triggers, other interpreters', async (t) => {
  const { file, pkg } = get('beta');
  const one = (phase: string) => {
    const s = pkg.scriptlets.find((x) => x.phase === phase);
    if (!s) throw new Error(`no ${phase}`);
    return s;
  };
  const preinProg = (await runTool('rpm', ['-qp', '--qf', '[%{PREINPROG}\\n]', file])).trim().split('\n');
  t.same(preinProg, ['/usr/bin/perl', '-w']);
  t.same(one('pre').interpreter, { kind: 'perl', argv: preinProg });
  t.same(one('post').interpreter, { kind: 'bash', argv: ['/bin/bash'] });
  t.match(one('post').body, /^shopt -s nullglob\n/);
  t.same(one('postun').interpreter, { kind: 'python', argv: ['/usr/bin/python3'] });
  t.same(one('pretrans').interpreter, { kind: 'lua', argv: ['<lua>'] });
  t.same(one('triggerprein').triggers, [{ target: 'foo' }]);
  t.same(one('triggerpostun').interpreter, { kind: 'program', argv: ['/sbin/ldconfig'] });
  t.equal(one('triggerpostun').body, '');
  t.same(one('triggerpostun').triggers, [{ target: 'bar', op: '<=', version: '3' }]);
  t.same(one('filetriggerun').triggers, [{ target: '/usr/share/x', priority: 1000000 }]);
  t.same(one('transfiletriggerpostun').triggers, [{ target: '/usr/share/y', priority: 5 }]);
  t.notOk(pkg.scriptlets.some((s) => s.phase === 'sysusers'));
  t.equal(pkg.version, '0.9~rc1-1.fc42');
});

t.test('sniff', async (t) => {
  const { file } = get('alpha');
  t.ok(rpmReader.sniff(readFileSync(file).subarray(0, 8)));
  t.notOk(rpmReader.sniff(Uint8Array.of(0xed, 0xab, 0xee)));
  t.notOk(rpmReader.sniff(Buffer.from('!<arch>\n')));
});

t.test('synthetic header: stored SYSUSERS, PROG as a STRING, an orphan trigger script', async (t) => {
  const main = writeRpmHeader([
    { tag: RpmTag.NAME, type: RpmType.STRING, value: 'synth' },
    { tag: RpmTag.VERSION, type: RpmType.STRING, value: '2' },
    { tag: RpmTag.RELEASE, type: RpmType.STRING, value: '7' },
    { tag: RpmTag.EPOCH, type: RpmType.INT32, value: [0] },
    { tag: RpmTag.ARCH, type: RpmType.STRING, value: 'x86_64' },
    { tag: RpmTag.SYSUSERS, type: RpmType.STRING_ARRAY, value: ['g synth -', 'u synth - "Synth" /var/lib/synth'] },
    { tag: RpmTag.POSTIN, type: RpmType.STRING, value: 'echo hi' },
    { tag: RpmTag.POSTINPROG, type: RpmType.STRING, value: '/bin/sh' },
    { tag: RpmTag.POSTINFLAGS, type: RpmType.INT32, value: [3] },
    // Script 1 has no condition pointing at it: rpm never runs it.
    { tag: RpmTag.TRIGGERSCRIPTS, type: RpmType.STRING_ARRAY, value: ['echo un', 'echo orphan'] },
    { tag: RpmTag.TRIGGERSCRIPTPROG, type: RpmType.STRING_ARRAY, value: ['/bin/sh', '/bin/sh'] },
    { tag: RpmTag.TRIGGERNAME, type: RpmType.STRING_ARRAY, value: ['glibc'] },
    { tag: RpmTag.TRIGGERVERSION, type: RpmType.STRING_ARRAY, value: ['2.38'] },
    { tag: RpmTag.TRIGGERFLAGS, type: RpmType.INT32, value: [RpmSense.TRIGGERUN | RpmSense.GREATER] },
    { tag: RpmTag.TRIGGERINDEX, type: RpmType.INT32, value: [0] },
  ]);
  const signature = writeRpmHeader([{ tag: 1000, type: RpmType.INT32, value: [1] }]);
  const pkg = await rpmReader.read(writeRpmFile(signature, main, Buffer.from('payload')), 'synth.rpm');
  t.equal(pkg.version, '0:2-7');
  t.equal(pkg.epoch, 0);
  t.equal(pkg.arch, 'x86_64');
  t.same(
    pkg.scriptlets.map((s) => ({ phase: s.phase, kind: s.interpreter.kind, body: s.body, flags: s.flags, origin: s.origin, triggers: s.triggers })),
    [
      { phase: 'sysusers', kind: 'sysusers', body: 'g synth -\nu synth - "Synth" /var/lib/synth', flags: undefined, origin: 'header:SYSUSERS', triggers: undefined },
      { phase: 'post', kind: 'sh', body: 'echo hi', flags: 3, origin: 'header:POSTIN', triggers: undefined },
      { phase: 'triggerun', kind: 'sh', body: 'echo un', flags: undefined, origin: 'header:TRIGGERSCRIPTS[0]', triggers: [{ target: 'glibc', op: '>', version: '2.38' }] },
    ],
  );
});
