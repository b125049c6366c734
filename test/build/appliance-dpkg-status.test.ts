import t from 'tap';
import { applianceDpkgStatus, dpkgInfoFiles } from '../../src/build/appliance-dpkg-status.js';

const status = [
  'Package: a\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1',
  'Package: b\nStatus: install ok installed\nArchitecture: all\nVersion: 2\nDescription: x\n multi-line',
  'Package: c\nStatus: install ok installed\nArchitecture: amd64\nVersion: 3',
].join('\n\n');

t.equal(
  applianceDpkgStatus(`${status}\n`, [{ name: 'b', arch: 'all' }, { name: 'a', arch: 'amd64' }]),
  'Package: a\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1\n\nPackage: b\nStatus: install ok installed\nArchitecture: all\nVersion: 2\nDescription: x\n multi-line\n\n',
  'only the appliance packages, in the host file order',
);
t.equal(applianceDpkgStatus(status, [{ name: 'a', arch: 'i386' }]), '', 'the architecture must match');
t.same(
  dpkgInfoFiles(['a.list', 'a.postinst', 'a-b.list', 'libx:amd64.list', 'libx:amd64.md5sums', 'a.list.old.x', 'c.list'], [
    { name: 'a', arch: 'amd64' },
    { name: 'libx', arch: 'amd64' },
  ]),
  ['a.list', 'a.postinst', 'libx:amd64.list', 'libx:amd64.md5sums'],
);
