import t from 'tap';
import { lstatSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { overlayTar, overlayTarPlan } from '../../src/appliance/overlay-tar.js';
import { HostImageView, MemoryImageView, resolvePath, statPath } from '../../src/apply/image-view.js';
import { LayeredView } from '../../src/apply/layered-view.js';
import { StagingTree } from '../../src/apply/staging-tree.js';

t.test('host view resolves symlinks inside the root, never on the host', async (t) => {
  const root = t.testdir({
    usr: { lib: { x: 'inside' }, bin: { tool: 'tool' } },
    etc: { 'passwd': 'root:x:0:0::/root:/bin/sh\n' },
  });
  const outside = join(root, '..', 'outside-secret');
  writeFileSync(outside, 'host secret');
  symlinkSync('usr/lib', join(root, 'lib'));
  symlinkSync('/usr/bin', join(root, 'bin'));
  symlinkSync('../../../../../../etc/passwd', join(root, 'usr', 'escape'));
  symlinkSync(outside, join(root, 'usr', 'absolute-escape'));
  symlinkSync('loop2', join(root, 'loop1'));
  symlinkSync('loop1', join(root, 'loop2'));
  const view = new HostImageView(root);
  t.equal(view.readFile('/lib/x')?.toString(), 'inside', 'relative link to a directory');
  t.equal(view.readFile('/bin/tool')?.toString(), 'tool', 'absolute link is taken inside the root');
  t.equal(view.readFile('/usr/escape')?.toString(), 'root:x:0:0::/root:/bin/sh\n', '.. stops at the image root');
  t.equal(view.readFile('/usr/absolute-escape'), undefined, 'an absolute target names an image path, not the host file');
  t.equal(view.lstat('/lib')?.type, 'symlink');
  t.equal(statPath(view, '/lib')?.type, 'dir');
  t.equal(view.readlink('/bin'), '/usr/bin');
  t.strictSame(view.list('/lib'), ['x']);
  t.strictSame(view.list('/usr'), ['absolute-escape', 'bin', 'escape', 'lib']);
  t.throws(() => view.readFile('/loop1'), { code: 'E_IO', message: /too many levels/ }, 'a symlink loop is a typed error');
  t.equal(view.readFile('/nope/x'), undefined);
  t.equal(view.readFile('/etc/passwd/x'), undefined, 'a file as a parent is just absent');
});

t.test('memory view behaves like the host view', async (t) => {
  const view = new MemoryImageView({
    '/usr/lib/x': 'inside',
    '/lib': { type: 'symlink', target: 'usr/lib' },
    '/usr/sbin': { type: 'symlink', target: '../../usr/bin' },
    '/usr/bin/t': { type: 'file', content: 't', mode: 0o755, uid: 3 },
  });
  t.equal(view.readFile('/lib/x')?.toString(), 'inside');
  t.equal(view.readFile('/usr/sbin/t')?.toString(), 't');
  t.match(view.lstat('/usr/sbin/t'), { type: 'file', mode: 0o755, uid: 3 });
  t.equal(resolvePath(view, '/lib/x'), '/usr/lib/x');
  t.equal(resolvePath(view, '/lib', false), '/lib');
  t.strictSame(view.list('/'), ['lib', 'usr']);
});

t.test('layered view sees staged nodes over the image and removals', async (t) => {
  const image = new MemoryImageView({ '/etc/a': 'image', '/etc/b': 'b', '/lib': { type: 'symlink', target: 'usr/lib' }, '/usr/lib/.keep': '' });
  const staging = new StagingTree();
  const view = new LayeredView(image, staging);
  staging.writeFile('/etc/a', 'staged');
  staging.remove('/etc/b', true);
  staging.symlink('/etc/c', '/etc/a');
  t.equal(view.readFile('/etc/a')?.toString(), 'staged');
  t.equal(view.readFile('/etc/b'), undefined);
  t.equal(view.readFile('/etc/c')?.toString(), 'staged', 'a staged symlink is followed');
  t.strictSame(view.list('/etc'), ['a', 'c']);
  t.equal(view.canonical('/lib/systemd/x'), '/usr/lib/systemd/x', 'parents resolve through the image symlink');
});

t.test('staging tree to overlay entries and to a directory', async (t) => {
  const s = new StagingTree();
  s.mkdir('/var/lib/demo', 0o750, { uid: 101, gid: 102, uname: 'demo', gname: 'demo' });
  s.writeFile('/etc/passwd', 'x\n', 0o644);
  s.symlink('/etc/systemd/system/multi-user.target.wants/ssh.service', '/lib/systemd/system/ssh.service');
  s.remove('/etc/obsolete', true);
  s.writeFile('/etc/gone/file', 'y');
  s.remove('/etc/gone', false);
  t.strictSame(s.paths(), ['/etc/obsolete', '/etc/passwd', '/etc/systemd/system/multi-user.target.wants/ssh.service', '/var/lib/demo']);
  t.strictSame(s.removals(), ['/etc/obsolete']);
  t.ok(s.isRemoved('/etc/obsolete/child'));
  const entries = s.toOverlayEntries();
  t.match(entries, [
    { type: 'file', path: 'etc/passwd', mode: 0o644, uid: 0, gid: 0 },
    { type: 'symlink', path: 'etc/systemd/system/multi-user.target.wants/ssh.service', target: '/lib/systemd/system/ssh.service' },
    { type: 'dir', path: 'var/lib/demo', mode: 0o750, uid: 101, gid: 102 },
  ]);
  // Names would be mapped through the host's passwd by tar running as root: ids only.
  t.ok(entries.every((e) => e.uname === undefined && e.gname === undefined), 'no owner names');
  t.equal(overlayTarPlan(entries).length, 9, 'overlay-tar accepts the entries and adds their parents');
  const tar = await overlayTar(entries, { mtime: 0 });
  t.ok(tar.length > 0);

  const dir = t.testdir({ etc: { obsolete: 'old' } });
  const owners = s.applyToDirectory(dir);
  t.equal(readFileSync(join(dir, 'etc/passwd'), 'utf8'), 'x\n');
  t.equal(readlinkSync(join(dir, 'etc/systemd/system/multi-user.target.wants/ssh.service')), '/lib/systemd/system/ssh.service');
  t.equal(lstatSync(join(dir, 'var/lib/demo')).mode & 0o7777, 0o750);
  t.throws(() => lstatSync(join(dir, 'etc/obsolete')), 'removed');
  t.match(owners, [{ path: '/etc/passwd', uid: 0 }, { path: '/etc/systemd/system/multi-user.target.wants/ssh.service' }, { path: '/var/lib/demo', uid: 101, gid: 102, mode: 0o750 }]);
});

t.test('applyToDirectory never writes through a symlink in the target', async (t) => {
  const dir = t.testdir({ real: {} });
  const elsewhere = join(dir, '..', 'elsewhere-target');
  mkdirSync(elsewhere, { recursive: true });
  symlinkSync(elsewhere, join(dir, 'etc'));
  const s = new StagingTree();
  s.writeFile('/etc/x', 'x');
  t.throws(() => s.applyToDirectory(dir), { code: 'E_IO' });
  t.throws(() => lstatSync(join(elsewhere, 'x')), 'nothing written outside');
  t.throws(() => s.writeFile('relative', 'x'), { code: 'E_IO' });
  t.throws(() => s.mkdir('/etc/../x'), { code: 'E_IO' });
});
