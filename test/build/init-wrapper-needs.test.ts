import t from 'tap';
import { MemoryImageView, type MemoryNode } from '../../src/apply/image-view.js';
import { initWrapperWarnings } from '../../src/build/init-wrapper-needs.js';
import type { InitSystem } from '../../src/build/start-hook.js';

const exe: MemoryNode = { type: 'file', content: '', mode: 0o755 };

// A merged-/usr image (/bin and /sbin are links into /usr) unless a program is named under /sbin.
const image = (...programs: string[]): MemoryImageView =>
  new MemoryImageView({
    ...(programs.some((p) => p.startsWith('/sbin/')) ? {} : { '/bin': { type: 'symlink', target: 'usr/bin' }, '/sbin': { type: 'symlink', target: 'usr/sbin' } }),
    '/usr/bin/dash': exe,
    ...Object.fromEntries(programs.map((p) => [p, exe])),
  });

const cases: { name: string; programs: string[]; init: InitSystem; steps: number; expect: RegExp[] }[] = [
  { name: 'both present', programs: ['/usr/bin/mount', '/usr/sbin/e2fsck'], init: 'none', steps: 3, expect: [] },
  { name: 'no mount', programs: ['/usr/sbin/e2fsck'], init: 'none', steps: 3, expect: [/add the mount package/] },
  { name: 'no e2fsck', programs: ['/usr/bin/mount'], init: 'none', steps: 3, expect: [/add the e2fsprogs package/] },
  { name: 'neither', programs: [], init: 'none', steps: 1, expect: [/add the mount package/, /add the e2fsprogs package/] },
  // An image without merged /usr keeps e2fsck in /sbin.
  { name: 'e2fsck in /sbin', programs: ['/usr/bin/mount', '/sbin/e2fsck'], init: 'none', steps: 3, expect: [] },
  { name: 'nothing deferred: the wrapper only powers off', programs: [], init: 'none', steps: 0, expect: [] },
  { name: 'systemd starts the agent', programs: [], init: 'systemd', steps: 3, expect: [] },
  { name: 'sysvinit starts the agent', programs: [], init: 'sysvinit', steps: 3, expect: [] },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    const warnings = initWrapperWarnings(image(...c.programs), c.init, c.steps);
    t.equal(warnings.length, c.expect.length, warnings.join('\n'));
    c.expect.forEach((re, i) => t.match(warnings[i], re));
  });
}
