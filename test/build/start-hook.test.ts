import t from 'tap';
import { MemoryImageView, type MemoryNode } from '../../src/apply/image-view.js';
import { startHook } from '../../src/build/start-hook.js';

const exe = (mode = 0o755): MemoryNode => ({ type: 'file', content: '', mode });

const cases: Array<[string, Record<string, MemoryNode | string>, ReturnType<typeof startHook>]> = [
  [
    'systemd under /lib, no /init: unit enabled, /init links to systemd',
    { '/lib/systemd/systemd': exe(), '/sbin/init': exe(), '/etc/init.d/rc': exe() },
    {
      init: 'systemd',
      initProgram: '/lib/systemd/systemd',
      entries: [
        { type: 'symlink', path: 'etc/systemd/system/sysinit.target.wants/scriptlet-agent.service', target: '/usr/lib/systemd/system/scriptlet-agent.service' },
        { type: 'file', path: 'etc/machine-id', mode: 0o444, content: '' },
        { type: 'symlink', path: 'init', target: '/lib/systemd/systemd' },
      ],
    },
  ],
  [
    'systemd through merged /usr (/lib is a link), the image has its own /init and its own machine id',
    {
      '/lib': { type: 'symlink', target: 'usr/lib' },
      '/usr/lib/systemd/systemd': exe(),
      '/init': exe(),
      '/etc/machine-id': { type: 'file', content: '0123456789abcdef0123456789abcdef\n', mode: 0o444 },
    },
    {
      init: 'systemd',
      initProgram: '/lib/systemd/systemd',
      entries: [{ type: 'symlink', path: 'etc/systemd/system/sysinit.target.wants/scriptlet-agent.service', target: '/usr/lib/systemd/system/scriptlet-agent.service' }],
    },
  ],
  [
    // No id in the image: an empty one, so the first boot does not stop at systemd-firstboot's prompt.
    'systemd through merged /usr, without a machine id of its own',
    { '/lib': { type: 'symlink', target: 'usr/lib' }, '/usr/lib/systemd/systemd': exe(), '/init': exe() },
    {
      init: 'systemd',
      initProgram: '/lib/systemd/systemd',
      entries: [
        { type: 'symlink', path: 'etc/systemd/system/sysinit.target.wants/scriptlet-agent.service', target: '/usr/lib/systemd/system/scriptlet-agent.service' },
        { type: 'file', path: 'etc/machine-id', mode: 0o444, content: '' },
      ],
    },
  ],
  [
    'a systemd file that is not executable does not count; sysvinit with rc does',
    { '/lib/systemd/systemd': exe(0o644), '/sbin/init': exe(), '/etc/init.d/rc': exe() },
    {
      init: 'sysvinit',
      initProgram: '/sbin/init',
      entries: [
        { type: 'symlink', path: 'etc/rcS.d/S01scriptlet-agent', target: '../init.d/scriptlet-agent' },
        { type: 'symlink', path: 'init', target: '/sbin/init' },
      ],
    },
  ],
  [
    '/sbin/init without /etc/init.d/rc (busybox init): no init system the agent can hook',
    { '/sbin/init': exe() },
    { init: 'none', entries: [{ type: 'symlink', path: 'init', target: '/usr/lib/scriptlet/init' }] },
  ],
  ['nothing: the /init wrapper', {}, { init: 'none', entries: [{ type: 'symlink', path: 'init', target: '/usr/lib/scriptlet/init' }] }],
  ['nothing, and an /init of its own: left alone', { '/init': exe() }, { init: 'none', entries: [] }],
];

for (const [name, nodes, expected] of cases) {
  t.test(name, async (t) => {
    t.same(startHook(new MemoryImageView(nodes)), expected);
  });
}
