import t from 'tap';
import { createHash } from 'node:crypto';
import { ScriptletError } from '../../src/errors.js';
import { type DeferredStep, PLAN_HEADER, renderDeferredPlan } from '../../src/appliance/deferred-plan.js';

const base: DeferredStep = {
  id: '0001-openssh-server.postinst',
  package: 'openssh-server',
  phase: 'postinst',
  interpreter: ['/bin/sh', '-e'],
  script: '#!/bin/sh\nssh-keygen -A\n',
  args: ['configure', ''],
  env: { DPKG_ROOT: '', DPKG_MAINTSCRIPT_PACKAGE: 'openssh-server', DPKG_MAINTSCRIPT_NAME: 'postinst' },
  timeoutSeconds: 300,
  reason: 'generates host keys',
};

const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

t.test('renders the plan and one directory per step', async (t) => {
  const program: DeferredStep = {
    ...base,
    id: '0002-glibc.post',
    package: 'glibc',
    phase: 'post',
    interpreter: ['/sbin/ldconfig'],
    script: '',
    args: ['1'],
    env: {},
    timeoutSeconds: 60,
    reason: 'rpm -p program',
  };
  const files = renderDeferredPlan([base, program]);
  const d = 'usr/lib/scriptlet/deferred';
  t.strictSame(
    [...files.keys()],
    [
      `${d}/0001-openssh-server.postinst/args`,
      `${d}/0001-openssh-server.postinst/env`,
      `${d}/0001-openssh-server.postinst/interpreter`,
      `${d}/0001-openssh-server.postinst/reason`,
      `${d}/0001-openssh-server.postinst/script`,
      `${d}/0002-glibc.post/args`,
      `${d}/0002-glibc.post/env`,
      `${d}/0002-glibc.post/interpreter`,
      `${d}/0002-glibc.post/reason`,
      `${d}/plan`,
    ],
    'sorted by path; a program step has no script file',
  );
  t.strictSame(files.get(`${d}/plan`), {
    contents: `${PLAN_HEADER}\n# id\tpackage\tphase\ttimeout\tsha256\n0001-openssh-server.postinst\topenssh-server\tpostinst\t300\t${sha(base.script)}\n0002-glibc.post\tglibc\tpost\t60\t-\n`,
    mode: 0o644,
  });
  t.strictSame(files.get(`${d}/0001-openssh-server.postinst/script`), { contents: Buffer.from(base.script, 'utf8'), mode: 0o755 });
  t.equal(files.get(`${d}/0001-openssh-server.postinst/args`)?.contents, 'configure\n\n', "'' is an empty line");
  t.equal(files.get(`${d}/0001-openssh-server.postinst/interpreter`)?.contents, '/bin/sh\n-e\n');
  t.equal(
    files.get(`${d}/0001-openssh-server.postinst/env`)?.contents,
    'DPKG_MAINTSCRIPT_NAME=postinst\nDPKG_MAINTSCRIPT_PACKAGE=openssh-server\nDPKG_ROOT=\n',
    'environment sorted by name',
  );
  t.equal(files.get(`${d}/0002-glibc.post/env`)?.contents, '', 'no environment is an empty file');
  t.equal(files.get(`${d}/0001-openssh-server.postinst/reason`)?.contents, 'generates host keys\n');
});

t.test('checksums cover the UTF-8 bytes; output is deterministic', async (t) => {
  const script = 'echo "größe €"\n';
  const a = renderDeferredPlan([{ ...base, script, env: { B: '2', A: '1' } }]);
  const b = renderDeferredPlan([{ ...base, script, env: { A: '1', B: '2' } }]);
  t.strictSame([...a], [...b]);
  const digest = createHash('sha256').update(Buffer.from(script, 'utf8')).digest('hex');
  t.match(a.get('usr/lib/scriptlet/deferred/plan')?.contents, new RegExp(`\\t${digest}\\n$`));
  t.equal(renderDeferredPlan([]).get('usr/lib/scriptlet/deferred/plan')?.contents, `${PLAN_HEADER}\n# id\tpackage\tphase\ttimeout\tsha256\n`);
});

t.test('steps the plan cannot hold faithfully are E_BUILD errors', async (t) => {
  const cases: [string, Partial<DeferredStep>, RegExp][] = [
    ['path in id', { id: '../x' }, /id must be/],
    ['id starting with a dot', { id: '.hidden' }, /id must be/],
    ['empty id', { id: '' }, /id must be/],
    ['long id', { id: 'a'.repeat(129) }, /id must be/],
    ['tab in package', { package: 'a\tb' }, /package name/],
    ['relative interpreter', { interpreter: ['sh'] }, /absolute path/],
    ['embedded lua', { interpreter: ['<lua>'] }, /absolute path/],
    ['no interpreter', { interpreter: [] }, /absolute path/],
    ['newline in interpreter word', { interpreter: ['/bin/sh', '-c\nx'] }, /interpreter word 2 contains a newline/],
    ['newline in argument', { args: ['configure', 'a\nb'] }, /argument 2 contains a newline/],
    ['NUL in argument', { args: ['a\0'] }, /argument 1 contains/],
    ['bad env name', { env: { 'BAD-NAME': 'x' } }, /environment name "BAD-NAME"/],
    ['env name with =', { env: { 'A=B': 'x' } }, /environment name/],
    ['newline in env value', { env: { A: 'x\ny' } }, /environment value of A/],
    ['zero timeout', { timeoutSeconds: 0 }, /timeout must be/],
    ['fractional timeout', { timeoutSeconds: 1.5 }, /timeout must be/],
    ['huge timeout', { timeoutSeconds: 604801 }, /timeout must be/],
    ['NUL in script', { script: 'a\0b' }, /NUL byte/],
  ];
  for (const [name, change, message] of cases) {
    const step = { ...base, ...change };
    try {
      renderDeferredPlan([step]);
      t.fail(`${name}: accepted`);
    } catch (e) {
      t.ok(e instanceof ScriptletError && e.code === 'E_BUILD', `${name}: typed`);
      t.match((e as ScriptletError).message, message, name);
      t.equal((e as ScriptletError).context.package, step.package, `${name}: names the package`);
    }
  }
  t.throws(() => renderDeferredPlan([base, { ...base }]), /used by an earlier step/, 'duplicate ids');
  t.doesNotThrow(() => renderDeferredPlan([{ ...base, id: 'a'.repeat(128) }]), '128 characters is fine');
});
