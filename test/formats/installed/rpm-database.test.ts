import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { FormatError, IoError, ToolError } from '../../../src/errors.js';
import { readRpmDatabase, runRpmdbExport } from '../../../src/formats/installed/rpm-database.js';
import { packagesFromHeaderStream } from '../../../src/formats/rpm/parse-header-stream.js';
import { rpmReader } from '../../../src/formats/rpm/rpm-reader.js';
import { RpmTag, RpmType } from '../../../src/formats/rpm/rpm-tags.js';
import { buildRpm, runTool } from '../../helpers/build-rpm.js';
import { alphaSpec, betaSpec } from '../../helpers/rpm-fixture-specs.js';
import { writeRpmHeader } from '../../helpers/write-rpm-header.js';

const dir = t.testdir();
const files: string[] = [];

t.before(async () => {
  files.push(await buildRpm(dir, 'beta', betaSpec), await buildRpm(dir, 'alpha', alphaSpec));
});

/** Registers packages in a database without running anything from them. */
async function installJustDb(rpmArgs: string[], packages: string[]): Promise<void> {
  await runTool('rpm', [...rpmArgs, '--initdb']);
  if (packages.length > 0) {
    await runTool('rpm', [...rpmArgs, '-i', '--justdb', '--nodeps', '--noscripts', '--notriggers', ...packages]);
  }
}

t.test('reads a database under --root, found at /var/lib/rpm', async (t) => {
  const root = join(dir, 'root');
  mkdirSync(root);
  await installJustDb(['--root', root, '--dbpath', '/var/lib/rpm'], files);
  const installed = await readRpmDatabase({ root });
  t.same(
    installed.map((p) => p.name),
    ['alpha', 'beta'],
    'sorted by name',
  );
  for (const file of files) {
    const fromFile = await rpmReader.read(readFileSync(file), file);
    const fromDb = installed.find((p) => p.name === fromFile.name);
    t.same({ ...fromDb, source: '' }, { ...fromFile, source: '' }, `${fromFile.name}: same as the package file`);
    t.equal(fromDb?.source, `rpmdb:${join(root, 'var/lib/rpm')}`);
  }
});

t.test('reads a database given by --dbpath', async (t) => {
  const db = join(dir, 'db');
  await installJustDb(['--dbpath', db], files.slice(1));
  const installed = await readRpmDatabase({ dbpath: db });
  t.same(
    installed.map((p) => [p.name, p.version, p.scriptlets.length]),
    [['alpha', '4:1.2-3', 12]],
  );
});

t.test('an empty database has no packages', async (t) => {
  const db = join(dir, 'empty');
  await installJustDb(['--dbpath', db], []);
  t.same(await readRpmDatabase({ dbpath: db }), []);
});

t.test('no database: an IoError, and nothing is created', async (t) => {
  const root = join(dir, 'nothing');
  mkdirSync(root);
  const err = await readRpmDatabase({ root }).then(
    () => undefined,
    (e: unknown) => e,
  );
  t.ok(err instanceof IoError, String(err));
  t.match((err as IoError).message, /no rpm database in .*usr\/lib\/sysimage\/rpm or .*var\/lib\/rpm/);
  t.same(readdirSync(root), [], 'rpmdb was not run: it would have created a database');
});

t.test('rpmdb missing: a ToolError', async (t) => {
  const path = process.env.PATH;
  process.env.PATH = join(dir, 'no-such-bin');
  t.teardown(() => {
    process.env.PATH = path;
  });
  const err = await runRpmdbExport(['--exportdb']).then(
    () => undefined,
    (e: unknown) => e,
  );
  t.ok(err instanceof ToolError && err.code === 'E_TOOL_MISSING', String(err));
});

t.test('header stream: back-to-back headers, and a damaged one', async (t) => {
  const header = (name: string) =>
    writeRpmHeader([
      { tag: RpmTag.NAME, type: RpmType.STRING, value: name },
      { tag: RpmTag.VERSION, type: RpmType.STRING, value: '1' },
      { tag: RpmTag.RELEASE, type: RpmType.STRING, value: '1' },
      { tag: RpmTag.ARCH, type: RpmType.STRING, value: 'noarch' },
    ]);
  const a = header('zeta');
  const b = header('eta');
  const stream = Buffer.concat([a, b]);
  t.same(
    packagesFromHeaderStream(stream, 'rpmdb:/x', 'rpmdb:/x').map((p) => p.name),
    ['eta', 'zeta'],
  );
  t.same(packagesFromHeaderStream(new Uint8Array(), 'rpmdb:/x', 'rpmdb:/x'), []);
  let caught: unknown;
  try {
    packagesFromHeaderStream(stream.subarray(0, stream.length - 3), 'rpmdb:/x', 'rpmdb:/x');
  } catch (e) {
    caught = e;
  }
  t.ok(caught instanceof FormatError, String(caught));
  t.equal((caught as FormatError).context.offset, a.length + 16 + 4 * 16, 'offset of the second store');
  t.match((caught as FormatError).toOneLine(), /^rpmdb:\/x \(offset \d+\): installed header: truncated data store/);
});
