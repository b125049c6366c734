/**
 * update-alternatives, dpkg-statoverride and systemd-tmpfiles against the real tools, run with
 * --root / --admindir on a copy of a small tree; the appliers read the pristine tree.
 */
import t, { type Test } from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Action } from '../../src/actions/action.js';
import { applyActions } from '../../src/apply/apply-actions.js';
import { HostImageView } from '../../src/apply/image-view.js';
import { translateUpdateAlternatives } from '../../src/policy/translators/update-alternatives.js';
import { TranslateError } from '../../src/policy/translators/translate-error.js';
import { copyTree, hasCommand, walkTree, type TreeNode } from '../helpers/reference-trees.js';
import { runTranslator } from '../helpers/run-translator.js';

const EPOCH = 1700000000;

function makeTree(t: Test, files: Record<string, string>): string {
  const dir = t.testdir();
  for (const [path, content] of Object.entries(files)) {
    const host = join(dir, path);
    mkdirSync(dirname(host), { recursive: true });
    if (content.startsWith('->')) symlinkSync(content.slice(2), host);
    else writeFileSync(host, content);
  }
  return dir;
}

function referenceCopy(t: Test, image: string): string {
  const ref = join(dirname(t.testdirName), `${t.testdirName.split('/').pop()}-reference`);
  mkdirSync(ref, { recursive: true });
  copyTree(image, ref);
  t.teardown(() => execFileSync('rm', ['-rf', ref]));
  return ref;
}

function nodes(result: ReturnType<typeof applyActions>, prefix: string): [string, TreeNode][] {
  return result.staging
    .entries()
    .filter(([p, n]) => (p === prefix || p.startsWith(`${prefix}/`)) && n.type !== 'remove')
    .map(([p, n]): [string, TreeNode] => [
      p,
      n.type === 'symlink'
        ? { type: 'symlink', mode: 0o777, uid: n.uid, gid: n.gid, target: n.target }
        : n.type === 'file'
          ? { type: 'file', mode: n.mode, uid: n.uid, gid: n.gid, content: n.content.toString('latin1') }
          : n.type === 'dir'
            ? { type: 'dir', mode: n.mode, uid: n.uid, gid: n.gid }
            : { type: 'dir', mode: 0, uid: 0, gid: 0 },
    ]);
}

function changed(image: string, reference: string, prefix: string): [string, TreeNode][] {
  const before = walkTree(image, prefix);
  return [...walkTree(reference, prefix).entries()]
    .filter(([p, n]) => JSON.stringify(before.get(p)) !== JSON.stringify(n))
    .sort(([a], [b]) => (a < b ? -1 : 1));
}

t.test('update-alternatives --install sequences', { skip: hasCommand('update-alternatives') ? false : 'no update-alternatives' }, async (t) => {
  const image = makeTree(t, {
    '/usr/bin/vim.tiny': 'tiny',
    '/usr/bin/vim.basic': 'basic',
    '/usr/bin/nvim': 'nvim',
    '/usr/share/man/man1/vim.1.gz': 'man',
    '/usr/bin/a': 'a',
    '/usr/bin/b': 'b',
    '/usr/bin/c': 'c',
    '/usr/bin/pager': 'a real file where a master link goes',
    '/usr/bin/less': 'less',
    '/var/lib/dpkg/alternatives/.keep': '',
    '/etc/alternatives/.keep': '',
  });
  const reference = referenceCopy(t, image);
  const lines = [
    'update-alternatives --install /usr/bin/vi vi /usr/bin/vim.tiny 15 --slave /usr/share/man/man1/vi.1.gz vi.1.gz /usr/share/man/man1/vim.1.gz --slave /usr/bin/view view /usr/bin/vim.tiny',
    'update-alternatives --install /usr/bin/vi vi /usr/bin/vim.basic 30 --slave /usr/bin/view view /usr/bin/vim.basic --slave /usr/bin/ex ex /usr/bin/vim.basic',
    'update-alternatives --install /usr/bin/vi vi /usr/bin/nvim 30 --slave /usr/bin/ex ex /usr/bin/nvim --slave /usr/share/man/man1/vi.1.gz vi.1.gz /usr/share/man/man1/nvim.1.gz',
    'update-alternatives --quiet --install /usr/bin/x x /usr/bin/b 10',
    'update-alternatives --quiet --install /usr/bin/x x /usr/bin/c 10',
    'update-alternatives --quiet --install /usr/bin/x x /usr/bin/a 10',
    'update-alternatives --quiet --install /usr/bin/x x /usr/bin/c 20',
    'update-alternatives --install /usr/bin/pager pager /usr/bin/less 77',
  ];
  for (const line of lines) {
    const argv = line.split(' ');
    execFileSync(argv[0] as string, ['--root', reference, ...argv.slice(1)], { stdio: 'pipe' });
  }
  const actions = lines.flatMap((line) => {
    const got = runTranslator(translateUpdateAlternatives, line);
    if (got === null || got instanceof TranslateError) throw new Error(line);
    return got;
  });
  const result = applyActions(actions, new HostImageView(image), { family: 'debian', epoch: EPOCH });
  for (const prefix of ['/etc/alternatives', '/var/lib/dpkg/alternatives', '/usr/bin', '/usr/share/man']) {
    t.strictSame(nodes(result, prefix), changed(image, reference, prefix), prefix);
  }
  const pager = result.applied.find((a) => a.action.kind === 'alternative' && a.action.name === 'pager');
  t.match(pager?.outcome, { kind: 'done', notes: [/pager/, /not replacing \/usr\/bin\/pager/] });
  const missing = applyActions([{ kind: 'alternative', name: 'y', link: '/usr/bin/y', path: '/usr/bin/none', priority: 1, slaves: [] }], new HostImageView(image), { family: 'debian', epoch: EPOCH });
  t.match(missing.deferred, [{ reason: /doesn't exist/ }], 'a missing alternative path makes update-alternatives fail: deferred');
});

t.test('dpkg-statoverride --add keeps dpkg hash order and the -old file', { skip: hasCommand('dpkg-statoverride') ? false : 'no dpkg-statoverride' }, async (t) => {
  const files: Record<string, string> = {};
  const paths = ['/var/log/zz', '/usr/bin/a', '/etc/b', '/var/log/a', '/usr/lib/x/y', '/var/spool/cron/crontabs', '/etc/ssl/private', '/usr/bin/crontab', '/var/lib/é'];
  for (const p of paths) files[p] = p;
  files['/var/lib/dpkg/info/.keep'] = '';
  files['/etc/passwd'] = readFileSync('/etc/passwd', 'utf8');
  files['/etc/group'] = readFileSync('/etc/group', 'utf8');
  const image = makeTree(t, files);
  const reference = referenceCopy(t, image);
  // dpkg-statoverride resolves names through the host's databases, so only names both share.
  const adds: [string, string, string, string][] = paths.map((p, i) => [i % 2 ? 'root' : 'daemon', i % 3 ? 'adm' : 'root', ['750', '4755', '640', '2775'][i % 4] as string, p]);
  for (const [u, g, m, p] of adds) execFileSync('dpkg-statoverride', ['--root', reference, '--add', u, g, m, p], { stdio: 'pipe' });
  const actions: Action[] = adds.map(([owner, group, mode, path]) => ({ kind: 'path-attr', path, owner, group, mode: Number.parseInt(mode, 8), statoverride: true }));
  const result = applyActions(actions, new HostImageView(image), { family: 'debian', epoch: EPOCH });
  for (const f of ['/var/lib/dpkg/statoverride', '/var/lib/dpkg/statoverride-old']) {
    const n = result.staging.get(f);
    t.equal(n?.type === 'file' ? n.content.toString('utf8') : undefined, readFileSync(join(reference, f), 'utf8'), f);
  }
  const crontab = result.staging.get('/usr/bin/crontab');
  t.match(crontab, { type: 'file', mode: 0o2775, uid: 0, gname: 'adm', content: Buffer.from('/usr/bin/crontab') }, 'the path itself gets the override');
  const again = applyActions([...actions, actions[0] as Action], new HostImageView(image), { family: 'debian', epoch: EPOCH });
  t.match(again.deferred, [{ reason: /already exists/ }], 'a second override for a path makes dpkg-statoverride abort');
});

t.test('tmpfiles d, f and L lines under /etc and /var match systemd-tmpfiles --create', { skip: hasCommand('systemd-tmpfiles') ? false : 'no systemd-tmpfiles' }, async (t) => {
  const conf = [
    'd /var/lib/demo 0750 daemon daemon -',
    'd /var/cache/demo - - - -',
    'f /etc/demo.conf 0640 root daemon - hello\\nworld',
    'f /etc/existing.conf 0600 - - - not written',
    'L /etc/demo-link - - - - /usr/share/demo/target',
    'd /run/demo 0755 root root -',
    'd /var/tmp/demo 1777 root root 10d',
    'x /var/lib/ignored',
  ].join('\n');
  const image = makeTree(t, {
    '/usr/lib/tmpfiles.d/demo.conf': `${conf}\n`,
    '/etc/existing.conf': 'old',
    '/etc/passwd': 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n',
    '/etc/group': 'root:x:0:\ndaemon:x:1:\n',
    '/usr/bin/systemd-tmpfiles': '',
    '/var/.keep': '',
  });
  const reference = referenceCopy(t, image);
  execFileSync('systemd-tmpfiles', [`--root=${reference}`, '--create', 'demo.conf'], { stdio: 'pipe' });
  const result = applyActions([{ kind: 'tmpfiles', config: 'demo.conf' }], new HostImageView(image), { family: 'debian', epoch: EPOCH });
  for (const prefix of ['/etc', '/var/lib', '/var/cache']) {
    t.strictSame(nodes(result, prefix), changed(image, reference, prefix), prefix);
  }
  t.notOk(result.staging.get('/run/demo'), '/run is left to the boot');
  t.notOk(result.staging.get('/var/tmp/demo'), '/var/tmp is left to the boot');
  t.match(result.applied[0]?.outcome, { kind: 'done', notes: [/d \/var\/lib\/demo/, /d \/var\/cache\/demo/, /f \/etc\/demo.conf/, /f \/etc\/existing.conf/, /L \/etc\/demo-link/, /left to systemd-tmpfiles at boot/] });
});
