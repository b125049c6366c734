import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { prepareAppliance } from '../../src/build/prepare-appliance.js';
import { captureIo } from '../helpers/capture-io.js';

// prepareAppliance reads and classifies the scripts of the closure of the names asked for while
// supermin --prepare runs, then checks that closure against the `packages` file supermin wrote.
// A stand-in supermin that keeps only some of the names makes the two differ, which must redo the
// work for supermin's set; keeping all of them must use the work done ahead.

const arch = execFileSync('dpkg', ['--print-architecture'], { encoding: 'utf8' }).trim();

/** A dpkg admin directory with two installed packages (both installed on any Debian host too, which checkPackageNames asks). */
function admindir(dir: string): string {
  const admin = join(dir, 'dpkg');
  mkdirSync(join(admin, 'info'), { recursive: true });
  const stanza = (name: string): string =>
    `Package: ${name}\nStatus: install ok installed\nPriority: required\nArchitecture: ${arch}\nVersion: 1.0-1\nDescription: ${name} for the test\n`;
  writeFileSync(join(admin, 'status'), `${stanza('dash')}\n${stanza('coreutils')}`);
  for (const name of ['dash', 'coreutils']) {
    writeFileSync(join(admin, 'info', `${name}.postinst`), '#!/bin/sh\nset -e\nexit 0\n');
    writeFileSync(join(admin, 'info', `${name}.list`), '/.\n');
  }
  return admin;
}

function fakeSupermin(dir: string, keep: readonly string[]): string {
  const path = join(dir, 'supermin');
  writeFileSync(
    path,
    `#!/bin/sh
out=
while [ $# -gt 0 ]; do case "$1" in -o) out=$2; shift 2 ;; *) shift ;; esac; done
mkdir -p "$out"
printf '%s\\n' ${keep.join(' ')} >"$out/packages"
`,
  );
  chmodSync(path, 0o755);
  return path;
}

const cases = [
  { name: 'supermin keeps every name: the scripts read ahead are used', keep: ['coreutils', 'dash'] },
  { name: 'supermin keeps fewer names: the scripts are read again for its set', keep: ['dash'] },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    const dir = t.testdir();
    const io = captureIo(dir);
    const prepared = await prepareAppliance(join(dir, 'out'), {
      packages: ['dash', 'coreutils'],
      useInstalled: true,
      supermin: { binary: fakeSupermin(dir, c.keep), version: { major: 5, minor: 2, patch: 2 }, versionText: 'supermin 5.2.2' },
      debCache: join(dir, 'debs'),
      workDir: join(dir, 'work'),
      io,
      admindir: admindir(dir),
    });
    t.same(
      prepared.manifest.packages.map((p) => p.name),
      c.keep,
      'the manifest lists supermin’s set',
    );
    t.same(
      [...new Set(prepared.manifest.scripts.map((s) => s.package))].sort(),
      c.keep,
      'only the scripts of supermin’s set are classified',
    );
  });
}

t.test('the classification cache: a rebuild reads verdicts back; a changed policy or package is classified again', async (t) => {
  const dir = t.testdir();
  const admin = admindir(dir);
  const cacheDir = join(dir, 'classified');
  const policy = join(dir, 'mine.json5');
  const writePolicy = (description: string): void =>
    writeFileSync(policy, `{ name: 'mine', family: 'debian', extends: 'debian', description: '${description}', rules: [] }\n`);
  writePolicy('first');
  let run = 0;
  const prepare = async () =>
    prepareAppliance(join(dir, `out${++run}`), {
      packages: ['dash', 'coreutils'],
      useInstalled: true,
      policy,
      supermin: { binary: fakeSupermin(dir, ['coreutils', 'dash']), version: { major: 5, minor: 2, patch: 2 }, versionText: 'supermin 5.2.2' },
      debCache: join(dir, 'debs'),
      classificationCache: cacheDir,
      workDir: join(dir, `work${run}`),
      io: captureIo(dir),
      admindir: admin,
    });
  const reasons = (m: Awaited<ReturnType<typeof prepare>>): string[] => m.manifest.scripts.map((s) => `${s.package} ${s.reason}`);
  const entries = (): string[] => readdirSync(cacheDir).sort();

  const cold = await prepare();
  const first = entries();
  t.equal(first.length, 2, 'one entry per install script');

  // Mark every entry, so a result that came from the cache can be told from a fresh one.
  for (const e of first) {
    const file = join(cacheDir, e);
    const entry = JSON.parse(readFileSync(file, 'utf8')) as { verdict: { reason: string } };
    entry.verdict.reason = `cached: ${entry.verdict.reason}`;
    writeFileSync(file, JSON.stringify(entry));
  }
  const warm = await prepare();
  t.same(reasons(warm), reasons(cold).map((r) => r.replace(/ /, ' cached: ')), 'the second build used the cached verdicts');
  t.same(entries(), first, 'and wrote nothing new');

  writePolicy('second');
  const edited = await prepare();
  t.same(reasons(edited), reasons(cold), 'a policy file edited: classified again');
  t.equal(entries().length, 4, 'under new keys');

  writeFileSync(join(admin, 'status'), readFileSync(join(admin, 'status'), 'utf8').replace('Version: 1.0-1\nDescription: dash', 'Version: 1.0-2\nDescription: dash'));
  await prepare();
  t.equal(entries().length, 5, 'another version of one package: only its script is classified again');

  for (const e of entries()) writeFileSync(join(cacheDir, e), '{"torn');
  t.same(reasons(await prepare()), reasons(cold), 'torn entries are misses, not errors');
  t.equal(entries().filter((e) => readFileSync(join(cacheDir, e), 'utf8') !== '{"torn').length, 2, 'and the two in use are written again');
});
