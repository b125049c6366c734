/**
 * downloadDebs against a stand-in apt-get on PATH: cached files are not fetched again, and a version
 * no source offers is remembered until APT's package lists change.
 */
import t from 'tap';
import { chmodSync, existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { debFileName, downloadDebs } from '../../src/build/download-debs.js';

// Logs each call; "downloads" every spec except those of package `gone`, and fails the whole call
// (as apt-get does) when one spec cannot be found.
const FAKE_APT = `#!/bin/sh
echo "$*" >> "$FAKE_LOG"
shift 3
for spec in "$@"; do
  case $spec in gone:*) echo "E: Can't find a source to download version '1' of '$spec'" >&2; exit 100 ;; esac
done
for spec in "$@"; do
  name=\${spec%%:*}; rest=\${spec#*:}; arch=\${rest%%=*}; version=\${rest#*=}
  : > "\${name}_\${version}_\${arch}.deb"
done
`;

t.test('cached and unavailable packages are not asked for again until the lists change', async (t) => {
  const dir = t.testdir();
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'apt-get'), FAKE_APT);
  chmodSync(join(bin, 'apt-get'), 0o755);
  const lists = join(dir, 'lists');
  mkdirSync(lists);
  utimesSync(lists, new Date(1_000_000_000_000), new Date(1_000_000_000_000));
  const log = join(dir, 'apt.log');
  const saved = { PATH: process.env.PATH, FAKE_LOG: process.env.FAKE_LOG };
  process.env.PATH = `${bin}:${process.env.PATH}`;
  process.env.FAKE_LOG = log;
  t.teardown(() => {
    process.env.PATH = saved.PATH;
    if (saved.FAKE_LOG === undefined) delete process.env.FAKE_LOG;
    else process.env.FAKE_LOG = saved.FAKE_LOG;
  });
  const calls = (): string[] => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean) : []);
  const wanted = [
    { name: 'here', version: '1.0', arch: 'amd64' },
    { name: 'gone', version: '2:3', arch: 'amd64' },
  ];
  const cache = join(dir, 'cache');

  const first = await downloadDebs(wanted, cache, { aptLists: lists });
  t.same(first.unavailable, ['gone']);
  t.same([...first.files.keys()], ['here']);
  t.equal(calls().length, 3, 'the batch fails, then one call per package tells which is missing');
  t.ok(existsSync(join(cache, `${debFileName(wanted[1]!)}.unavailable`)));

  const second = await downloadDebs(wanted, cache, { aptLists: lists });
  t.same(second.unavailable, ['gone']);
  t.equal(calls().length, 3, 'nothing asked again');

  utimesSync(lists, new Date(), new Date(Date.now() + 60_000));
  const third = await downloadDebs(wanted, cache, { aptLists: lists });
  t.same(third.unavailable, ['gone']);
  t.equal(calls().length, 5, 'after apt-get update the missing version is asked for again');
});
