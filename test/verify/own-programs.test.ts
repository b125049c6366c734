import t from 'tap';
import { ownProgramResolver, parseDpkgList } from '../../src/verify/own-programs.js';

const lists: Record<string, string> = {
  'exim4-config': '/.\n/usr\n/usr/sbin\n/usr/sbin/update-exim4defaults\n/etc/exim4\n',
  'ssl-cert': '/.\n/usr/sbin/make-ssl-cert\n',
  // Listed the way a package that predates merged /usr ships it.
  oldstyle: '/.\n/sbin/old-helper\n/bin/both\n/usr/local/bin/both\n',
  adduser: '/.\n/usr/sbin/adduser\n',
};
const resolve = ownProgramResolver((pkg) => (lists[pkg] === undefined ? undefined : parseDpkgList(lists[pkg]!)));

const cases: [pkg: string, name: string, want: string | undefined, why: string][] = [
  ['exim4-config', 'update-exim4defaults', '/usr/sbin/update-exim4defaults', 'a program the package ships'],
  ['ssl-cert', 'make-ssl-cert', '/usr/sbin/make-ssl-cert', 'a program the package ships'],
  ['exim4-config', 'adduser', undefined, "another package's program is not the script's own"],
  ['exim4-config', 'exim4', undefined, 'a directory the package lists is not a program on PATH'],
  ['oldstyle', 'old-helper', '/usr/sbin/old-helper', '/sbin is found as merged /usr has it'],
  ['oldstyle', 'both', '/usr/local/bin/both', "PATH order: /usr/local/bin before /bin, as dpkg's PATH"],
  ['exim4-config', '/usr/sbin/update-exim4defaults', undefined, 'a path is not a bare name'],
  ['unknown', 'anything', undefined, 'a package without a list owns nothing'],
];
for (const [pkg, name, want, why] of cases) {
  t.equal(resolve(pkg, name), want, `${pkg} runs ${name}: ${why}`);
}

t.same(parseDpkgList('/.\n/etc\n\nnot-a-path\n/etc/x\n'), ['/etc', '/etc/x']);
