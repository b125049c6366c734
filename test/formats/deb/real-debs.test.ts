import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { debReader } from '../../../src/formats/deb/deb-reader.js';
import type { Package } from '../../../src/formats/types.js';
import { cacheDir } from '../../helpers/cache-dir.js';

const wanted = ['base-passwd', 'openssh-server', 'tzdata'];
const dir = cacheDir('debs');

function findDeb(name: string): string | undefined {
  const file = readdirSync(dir).find((f) => f.startsWith(`${name}_`) && f.endsWith('.deb'));
  return file ? join(dir, file) : undefined;
}

/** Downloads the packages once into the shared cache; flock keeps parallel tests from colliding. */
function download(): string | undefined {
  const missing = wanted.filter((n) => !findDeb(n));
  if (missing.length === 0) return undefined;
  try {
    execFileSync('flock', [join(dir, '.lock'), 'apt-get', 'download', ...missing], { cwd: dir, stdio: 'pipe', timeout: 120_000 });
    return undefined;
  } catch (e) {
    return `apt-get download failed (no network or no apt?): ${(e as Error).message.split('\n')[0]}`;
  }
}

const problem = download();

async function read(name: string): Promise<{ pkg: Package; path: string }> {
  const path = findDeb(name);
  if (!path) throw new Error(`${name} not downloaded`);
  return { pkg: await debReader.read(readFileSync(path), path), path };
}

/** What dpkg-deb itself extracts for a control member: the oracle for our reader. */
function dpkgDebInfo(path: string, member: string): string {
  return execFileSync('dpkg-deb', ['--info', path, member], { encoding: 'utf8' });
}

t.test('real Debian packages', { skip: problem ?? false }, async (t) => {
  t.test('openssh-server', async (t) => {
    const { pkg, path } = await read('openssh-server');
    t.equal(pkg.name, 'openssh-server');
    t.match(pkg.version, /^1:/);
    t.equal(pkg.epoch, 1);
    t.equal(pkg.arch, 'amd64');
    const postinst = pkg.scriptlets.find((s) => s.phase === 'postinst');
    t.ok(postinst, 'has a postinst');
    t.match(postinst?.body, /ssh-keygen/);
    t.equal(postinst?.origin, 'control.tar.xz:postinst');
    t.same(postinst?.interpreter, { kind: 'sh', argv: ['/bin/sh'] });
    const client = pkg.depends.flat().find((d) => d.name === 'openssh-client');
    t.equal(client?.op, '=', 'depends on exactly its own openssh-client');
    t.equal(client?.version, pkg.version);
    t.ok(
      pkg.depends.some((g) => g.length === 2 && g[0]?.name === 'debconf' && g[1]?.name === 'debconf-2.0'),
      'debconf alternative group',
    );
    t.ok(pkg.preDepends.flat().some((d) => d.name === 'init-system-helpers'));
    t.ok(pkg.provides.some((p) => p.name === 'ssh-server'));
    t.ok(pkg.conffiles?.includes('/etc/ssh/moduli'));
    t.match(pkg.templates, /Template: openssh-server\//);
    t.same(pkg.scriptlets.map((s) => s.phase).sort(), ['config', 'postinst', 'postrm', 'preinst', 'prerm']);
    for (const s of pkg.scriptlets) t.equal(s.body, dpkgDebInfo(path, s.phase), `${s.phase} matches dpkg-deb --info`);
  });

  t.test('base-passwd', async (t) => {
    const { pkg, path } = await read('base-passwd');
    t.same(pkg.scriptlets.map((s) => s.phase), ['preinst', 'postinst', 'postrm']);
    t.match(pkg.scriptlets.find((s) => s.phase === 'preinst')?.body, /\/etc\/passwd/);
    t.equal(pkg.templates, dpkgDebInfo(path, 'templates'));
    t.ok(pkg.depends.flat().some((d) => d.name === 'libc6' && d.op === '>='));
  });

  t.test('tzdata', async (t) => {
    const { pkg, path } = await read('tzdata');
    t.equal(pkg.arch, 'all');
    t.ok(pkg.scriptlets.some((s) => s.phase === 'config'), 'has a debconf config script');
    t.same(pkg.depends[0]?.map((d) => d.name), ['debconf', 'debconf-2.0']);
    t.equal(pkg.templates, dpkgDebInfo(path, 'templates'));
    for (const s of pkg.scriptlets) t.equal(s.body, dpkgDebInfo(path, s.phase), `${s.phase} matches dpkg-deb --info`);
  });
});
