/**
 * A deferred script is written byte for byte as the package shipped it, whatever its encoding:
 * Latin-1 maintainer scripts exist, and re-encoding one as UTF-8 would change what runs and make
 * the checksum in the plan (and the manifest) describe bytes the package never had. Checked from
 * each source of script text that ends up in an appliance: a .deb built with dpkg-deb, the host's
 * dpkg database (info/ files) and RPM header strings (slot scriptlets and trigger scripts).
 */
import t from 'tap';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFERRED_DIR } from '../../src/appliance/agent-layout.js';
import { renderDeferredPlan, scriptBytes, scriptSha256, type DeferredStep } from '../../src/appliance/deferred-plan.js';
import { readDpkgDatabase } from '../../src/formats/installed/dpkg-database.js';
import { readPackageFile } from '../../src/formats/read-package-file.js';
import { RpmHeader, type HeaderEntry } from '../../src/formats/rpm/rpm-header.js';
import { slotScriptlets } from '../../src/formats/rpm/rpm-scriptlets.js';
import { RpmTag, RpmType } from '../../src/formats/rpm/rpm-tags.js';
import { triggerScriptlets } from '../../src/formats/rpm/rpm-triggers.js';
import type { Package, Scriptlet } from '../../src/formats/types.js';
import { freshInstallInvocation } from '../../src/plan/script-invocation.js';
import { buildDeb } from '../helpers/build-deb.js';

// "Café" and "naïve" in ISO-8859-1: 0xe9 and 0xef alone are not valid UTF-8.
const LATIN1 = Buffer.concat([
  Buffer.from('#!/bin/sh\nset -e\n# Caf'),
  Buffer.from([0xe9]),
  Buffer.from(' na'),
  Buffer.from([0xef]),
  Buffer.from('ve\necho "'),
  Buffer.from([0xa9, 0x20, 0x80, 0xff]),
  Buffer.from('" > /var/lib/latin1-test\n'),
]);
const UTF8 = Buffer.from('#!/bin/sh\n# Café, naïve\necho "©"\n', 'utf8');

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** The step the planner makes for a fresh install, and the files the agent gets for it. */
function rendered(pkg: Package, s: Scriptlet): { step: DeferredStep; script: Buffer; planSha: string } {
  const inv = freshInstallInvocation(pkg, s);
  const step: DeferredStep = { id: `0001-${pkg.name}.${s.phase}`, package: pkg.name, phase: s.phase, ...inv, timeoutSeconds: 60, reason: 'test' };
  const files = renderDeferredPlan([step]);
  const script = files.get(`${DEFERRED_DIR}/${step.id}/script`)?.contents;
  const plan = String(files.get(`${DEFERRED_DIR}/plan`)?.contents);
  const row = plan.split('\n').find((l) => l.startsWith(`${step.id}\t`)) ?? '';
  return { step, script: Buffer.from(script ?? ''), planSha: row.split('\t')[4] ?? '' };
}

const control = (name: string): string =>
  `Package: ${name}\nVersion: 1.0\nArchitecture: all\nMaintainer: tests <t@example.invalid>\nDescription: encoding test\n`;

t.test('a .deb with a Latin-1 postinst: the deferred copy and its checksums are the shipped bytes', async (t) => {
  const dir = t.testdir();
  const deb = buildDeb(dir, 'latin1-test', { control: control('latin1-test'), files: { postinst: LATIN1 } });
  const pkg = await readPackageFile(deb);
  const postinst = pkg.scriptlets.find((s) => s.phase === 'postinst') as Scriptlet;
  t.equal(postinst.bodyEncoding, 'latin1');
  const { step, script, planSha } = rendered(pkg, postinst);
  t.equal(step.scriptEncoding, 'latin1', 'the invocation carries the encoding');
  t.ok(script.equals(LATIN1), 'script file is byte for byte the package’s postinst');
  t.equal(planSha, sha(LATIN1), 'the plan checksum (checked by the agent) is over the original bytes');
  t.equal(scriptSha256(step), sha(LATIN1), 'the manifest checksum is over the original bytes');
  t.notOk(script.includes(Buffer.from([0xc3, 0xa9])), 'no UTF-8 re-encoding of é');
});

t.test('a UTF-8 postinst is written as UTF-8, without an encoding mark', async (t) => {
  const dir = t.testdir();
  const pkg = await readPackageFile(buildDeb(dir, 'utf8-test', { control: control('utf8-test'), files: { postinst: UTF8 } }));
  const postinst = pkg.scriptlets.find((s) => s.phase === 'postinst') as Scriptlet;
  const { step, script, planSha } = rendered(pkg, postinst);
  t.equal(step.scriptEncoding, undefined);
  t.ok(script.equals(UTF8));
  t.equal(planSha, sha(UTF8));
});

t.test('host dpkg database: a Latin-1 info/ script keeps its bytes', async (t) => {
  const dir = t.testdir();
  mkdirSync(join(dir, 'info'));
  writeFileSync(
    join(dir, 'status'),
    `${control('latin1-test')}Status: install ok installed\n\n${control('utf8-test')}Status: install ok installed\n`,
  );
  writeFileSync(join(dir, 'info/latin1-test.postinst'), LATIN1);
  writeFileSync(join(dir, 'info/utf8-test.postinst'), UTF8);
  const db = await readDpkgDatabase(dir);
  const find = (name: string) => db.find((p) => p.package.name === name)?.package as Package;
  const latin1 = find('latin1-test');
  const latin1Postinst = latin1.scriptlets.find((s) => s.phase === 'postinst') as Scriptlet;
  t.equal(latin1Postinst.bodyEncoding, 'latin1');
  t.ok(rendered(latin1, latin1Postinst).script.equals(LATIN1));
  const utf8 = find('utf8-test');
  const utf8Postinst = utf8.scriptlets.find((s) => s.phase === 'postinst') as Scriptlet;
  t.equal(utf8Postinst.bodyEncoding, undefined);
  t.equal(utf8Postinst.body, UTF8.toString('utf8'), 'valid UTF-8 is decoded as such');
});

/** A header whose entries hold exactly the given bytes (strings NUL-terminated), as parseHeader leaves them. */
function header(entries: [number, number, number, Uint8Array][]): RpmHeader {
  const map = new Map<number, HeaderEntry>();
  for (const [tag, type, count, data] of entries) map.set(tag, { tag, type: type as HeaderEntry['type'], count, offset: 0, data });
  return new RpmHeader('test.rpm', 0, 0, map);
}
const z = (...parts: Uint8Array[]): Uint8Array => Buffer.concat([...parts.flatMap((p) => [p, Buffer.from([0])])]);
const int32 = (...n: number[]): Uint8Array => {
  const b = Buffer.alloc(n.length * 4);
  n.forEach((v, i) => b.writeUInt32BE(v, i * 4));
  return b;
};

t.test('RPM header: Latin-1 %post and trigger bodies keep their bytes; UTF-8 ones are decoded', async (t) => {
  const h = header([
    [RpmTag.POSTIN, RpmType.STRING, 1, z(LATIN1)],
    [RpmTag.PREIN, RpmType.STRING, 1, z(UTF8)],
    [RpmTag.TRIGGERSCRIPTS, RpmType.STRING_ARRAY, 2, z(UTF8, LATIN1)],
    [RpmTag.TRIGGERSCRIPTPROG, RpmType.STRING_ARRAY, 2, z(Buffer.from('/bin/sh'), Buffer.from('/bin/sh'))],
    [RpmTag.TRIGGERNAME, RpmType.STRING_ARRAY, 2, z(Buffer.from('a'), Buffer.from('b'))],
    [RpmTag.TRIGGERINDEX, RpmType.INT32, 2, int32(0, 1)],
    [RpmTag.TRIGGERFLAGS, RpmType.INT32, 2, int32(1 << 16, 1 << 16)],
  ]);
  const slots = slotScriptlets(h, 'p');
  const post = slots.find((s) => s.phase === 'post') as Scriptlet;
  t.equal(post.bodyEncoding, 'latin1');
  t.ok(Buffer.from(post.body, 'latin1').equals(LATIN1));
  const pre = slots.find((s) => s.phase === 'pre') as Scriptlet;
  t.equal(pre.bodyEncoding, undefined);
  t.equal(pre.body, UTF8.toString('utf8'));
  const triggers = triggerScriptlets(h, 'p');
  t.equal(triggers.length, 2);
  t.same(triggers.map((s) => s.bodyEncoding ?? 'utf-8'), ['utf-8', 'latin1']);
  t.ok(Buffer.from(triggers[1]?.body ?? '', 'latin1').equals(LATIN1));
  const pkg = { name: 'p', version: '1-1', format: 'rpm' } as Package;
  t.ok(rendered(pkg, post).script.equals(LATIN1), 'the deferred %post is the header’s bytes');
  // Names stay lossy-decoded (display only): a bad byte becomes U+FFFD there, never in a body.
  t.equal(h.string(RpmTag.POSTIN)?.includes('\ufffd'), true);
});

t.test('a body marked latin1 must hold only byte-sized characters', async (t) => {
  const step: DeferredStep = { id: 'x', package: 'p', phase: 'postinst', interpreter: ['/bin/sh'], script: 'caf€', scriptEncoding: 'latin1', args: [], env: {}, timeoutSeconds: 1, reason: '' };
  t.throws(() => renderDeferredPlan([step]), { code: 'E_BUILD', message: /marked latin1/ });
  t.ok(scriptBytes({ script: 'é', scriptEncoding: 'latin1' }).equals(Buffer.from([0xe9])));
  t.ok(scriptBytes({ script: 'é' }).equals(Buffer.from([0xc3, 0xa9])));
});
