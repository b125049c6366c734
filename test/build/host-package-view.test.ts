import t from 'tap';
import { mkdirSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { HostPackageView } from '../../src/build/host-package-view.js';

/** A host root with merged /usr, files of packages in and out of the appliance, and a base image. */
function host(dir: string): { root: string; base: string } {
  const root = join(dir, 'host');
  for (const d of ['usr/bin', 'usr/sbin', 'etc/alternatives', 'etc/ssh', 'var/lib']) mkdirSync(join(root, d), { recursive: true });
  symlinkSync('usr/bin', join(root, 'bin'));
  symlinkSync('usr/sbin', join(root, 'sbin'));
  writeFileSync(join(root, 'usr/bin/dash'), 'dash');
  chmodSync(join(root, 'usr/bin/dash'), 0o755);
  symlinkSync('dash', join(root, 'usr/bin/sh'));
  writeFileSync(join(root, 'usr/bin/other'), 'not in the appliance');
  writeFileSync(join(root, 'etc/passwd'), 'host:x:1000:1000::/home/host:/bin/bash\n');
  writeFileSync(join(root, 'etc/secret'), 'host secret');
  symlinkSync('/etc/secret', join(root, 'etc/alternatives/leak'));
  symlinkSync('/usr/bin/dash', join(root, 'etc/alternatives/shell'));
  writeFileSync(join(root, 'etc/ssh/sshd_config'), 'host config');
  const base = join(dir, 'base');
  mkdirSync(join(base, 'etc/ssh'), { recursive: true });
  writeFileSync(join(base, 'etc/ssh/sshd_config'), 'package config');
  writeFileSync(join(base, 'etc/motd'), 'base only');
  return { root, base };
}

t.test('only listed files are visible, merged-/usr spellings resolve, the base wins', async (t) => {
  const { root, base } = host(t.testdir());
  const view = new HostPackageView({
    root,
    // dpkg lists dash's files under /bin (the package's spelling), the host has them under /usr/bin.
    listed: ['/bin/dash', '/bin/sh', '/etc/alternatives/leak', '/etc/alternatives/shell', '/etc/ssh/sshd_config', 'relative/ignored', '/'],
    base,
    basePaths: ['/etc/ssh/sshd_config', '/etc/motd'],
  });
  const cases: Array<[string, string | undefined]> = [
    ['/bin/dash', 'dash'],
    ['/usr/bin/dash', 'dash'],
    ['/bin/sh', 'dash'],
    ['/usr/bin/other', undefined],
    ['/etc/passwd', undefined],
    ['/etc/secret', undefined],
    // An absolute symlink resolves inside the view: the host's /etc/secret is not in it.
    ['/etc/alternatives/leak', undefined],
    ['/etc/alternatives/shell', 'dash'],
    ['/etc/ssh/sshd_config', 'package config'],
    ['/etc/motd', 'base only'],
  ];
  for (const [path, content] of cases) t.equal(view.readFile(path)?.toString('utf8'), content, path);

  t.equal(view.lstat('/bin')?.type, 'symlink');
  t.equal(view.lstat('/usr/bin/dash')?.type, 'file');
  t.equal(view.lstat('/usr/bin/dash')?.mode, 0o755);
  t.equal(view.lstat('/usr/bin/other'), undefined);
  t.equal(view.readlink('/bin/sh'), 'dash');
  t.equal(view.readlink('/etc/alternatives/leak'), '/etc/secret');
  t.equal(view.readlink('/bin/dash'), undefined);
  t.same(view.list('/usr/bin'), ['dash', 'sh']);
  t.same(view.list('/bin'), ['dash', 'sh'], 'a directory symlink is followed');
  t.same(view.list('/etc'), ['alternatives', 'motd', 'ssh']);
  t.same(view.list('/etc/motd'), [], 'not a directory');
  t.same(view.list('/'), ['bin', 'etc', 'usr']);
});

t.test('without a base image', async (t) => {
  const { root } = host(t.testdir());
  const view = new HostPackageView({ root, listed: ['/etc/ssh/sshd_config'] });
  t.equal(view.readFile('/etc/ssh/sshd_config')?.toString('utf8'), 'host config');
  t.equal(view.readFile('/etc/motd'), undefined);
  t.equal(view.lstat('/etc')?.type, 'dir');
});
