/**
 * scriptlet boot against a stand-in for qemu (SCRIPTLET_QEMU): a shell script that prints a given
 * serial console and exits, or hangs. The real boot is in test/build/build-appliance.test.ts and
 * scripts/setup; this covers what the command makes of each outcome.
 */
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kvmUsable } from '../../src/appliance/boot-appliance.js';
import { runBoot } from '../../src/cli/boot-command.js';
import { main } from '../../src/cli/main.js';
import { captureIo } from '../helpers/capture-io.js';

// Prints $FAKE_CONSOLE, records its argv, then hangs when $FAKE_HANG is set (a guest with an init
// system keeps running after the agent) or exits with $FAKE_RC.
const FAKE_QEMU = `#!/bin/sh
printf '%s\\n' "$@" > "$FAKE_ARGV"
cat "$FAKE_CONSOLE"
if [ -n "$FAKE_HANG" ]; then exec sleep 60; fi
exit "\${FAKE_RC:-0}"
`;

function ext2(path: string, files: Record<string, string>): void {
  const tree = `${path}.d`;
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(tree, name, '..'), { recursive: true });
    writeFileSync(join(tree, name), content);
  }
  mkdirSync(tree, { recursive: true });
  execFileSync('mke2fs', ['-q', '-F', '-t', 'ext2', '-d', tree, path, '4M'], { stdio: 'ignore' });
}

function appliance(dir: string, init: string, files: Record<string, string> = {}): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'kernel'), 'k');
  writeFileSync(join(dir, 'initrd'), 'i');
  ext2(join(dir, 'root'), files);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ init }));
}

const DONE_OK = 'scriptlet-agent: done result=ok ok=2 failed=0 skipped=0 total=2';

async function boot(dir: string, args: string[], consoleText: string, extraEnv: Record<string, string> = {}) {
  writeFileSync(join(dir, 'console.txt'), consoleText);
  writeFileSync(join(dir, 'qemu'), FAKE_QEMU);
  chmodSync(join(dir, 'qemu'), 0o755);
  const io = captureIo(dir);
  io.env = { PATH: process.env.PATH, SCRIPTLET_QEMU: join(dir, 'qemu'), FAKE_CONSOLE: join(dir, 'console.txt'), FAKE_ARGV: join(dir, 'argv.txt'), ...extraEnv };
  const code = await main(['boot', ...args], io);
  const argvFile = join(dir, 'argv.txt');
  return { code, out: io.out, err: io.err, argv: existsSync(argvFile) ? readFileSync(argvFile, 'utf8').split('\n') : [] };
}

t.test('success: exit 0, console to the terminal, options reach qemu', async (t) => {
  const dir = t.testdir();
  appliance(join(dir, 'app'), 'none');
  const r = await boot(dir, ['app', '--memory', '768', '--accel', 'tcg', '--snapshot'], `boot\nscriptlet-agent: start id=1 package=a phase=postinst attempt=1\n${DONE_OK}\n`);
  t.equal(r.code, 0, r.err);
  t.match(r.out, /^boot\nscriptlet-agent: start/);
  t.match(r.out, /boot app: agent ok: 2 of 2 steps succeeded/);
  t.match(r.err, /scriptlet: boot: tcg guest ran/);
  t.same(r.argv.slice(r.argv.indexOf('-m'), r.argv.indexOf('-m') + 2), ['-m', '768']);
  t.ok(r.argv.includes('accel=tcg'));
  t.ok(r.argv.some((a) => a.endsWith('/app/root,format=raw,if=virtio,snapshot=on')));
});

t.test('--console writes the serial console to a file', async (t) => {
  const dir = t.testdir();
  appliance(join(dir, 'app'), 'none');
  const r = await boot(dir, ['app', '--console', 'serial.log'], `hello\n${DONE_OK}\n`);
  t.equal(r.code, 0, r.err);
  t.equal(readFileSync(join(dir, 'serial.log'), 'utf8'), `hello\n${DONE_OK}\n`);
  t.notMatch(r.out, /hello/);
});

t.test('-q shows only the result: no console, no status line', async (t) => {
  const dir = t.testdir();
  appliance(join(dir, 'app'), 'none');
  const r = await boot(dir, ['app', '-q', '--accel', 'tcg'], `hello\n${DONE_OK}\n`);
  t.equal(r.code, 0, r.err);
  t.notMatch(r.out, /hello/);
  t.match(r.out, /boot app: agent ok: 2 of 2 steps succeeded/);
  t.notMatch(r.err, /guest ran/);
});

// A qemu with a monitor: listens on the -monitor socket, prints the console, records what the
// monitor was sent, and on ctrl-alt-delete ends like a guest that reboots under -no-reboot, unless
// FAKE_DEAF is set (a guest that ignores the key), when it runs until it is killed.
const FAKE_QEMU_MONITOR = `#!/usr/bin/env node
const { createServer } = require('node:net');
const { appendFileSync, readFileSync } = require('node:fs');
const argv = process.argv.slice(2);
const spec = argv[argv.indexOf('-monitor') + 1];
const path = /^unix:([^,]+),server=on,wait=off$/.exec(spec)[1];
createServer((c) => {
  c.write('QEMU monitor\\n(qemu) ');
  c.on('data', (d) => {
    appendFileSync(process.env.FAKE_MONITOR_LOG, d);
    if (String(d).includes('sendkey ctrl-alt-delete') && !process.env.FAKE_DEAF) {
      process.stdout.write('reboot: Restarting system\\n', () => process.exit(0));
    }
  });
}).listen(path, () => process.stdout.write(readFileSync(process.env.FAKE_CONSOLE)));
setTimeout(() => process.exit(7), 60_000);
`;

t.test('a guest with an init system is asked to shut down once the agent reports', async (t) => {
  for (const deaf of [false, true]) {
    const dir = t.testdir();
    appliance(join(dir, 'app'), 'systemd');
    writeFileSync(join(dir, 'console.txt'), `${DONE_OK}\n`);
    writeFileSync(join(dir, 'qemu'), FAKE_QEMU_MONITOR);
    chmodSync(join(dir, 'qemu'), 0o755);
    const io = captureIo(dir);
    io.env = { PATH: process.env.PATH, FAKE_CONSOLE: join(dir, 'console.txt'), FAKE_MONITOR_LOG: join(dir, 'monitor.log'), ...(deaf ? { FAKE_DEAF: '1' } : {}) };
    const started = Date.now();
    const code = await runBoot('app', { timeout: 50, memory: 512, accel: 'tcg', qemu: join(dir, 'qemu'), shutdownGraceMs: 1500 }, io);
    t.equal(code, 0, `${deaf ? 'deaf' : 'clean'}: the agent's report decides the exit status`);
    t.ok(Date.now() - started < 20_000, 'did not wait for the timeout');
    t.equal(readFileSync(join(dir, 'monitor.log'), 'utf8'), 'sendkey ctrl-alt-delete\n', 'ctrl-alt-delete was sent through the monitor');
    if (deaf) t.match(io.err, /warning: the guest did not shut down within 2 s of ctrl-alt-delete after its agent reported; qemu was stopped, and app\/root may need e2fsck -f/);
    else {
      t.notMatch(io.err, /did not shut down/);
      t.match(io.out, /reboot: Restarting system/, 'qemu ended by itself');
    }
  }
});

t.test('a finished appliance with an init system is not booted: nothing would report', async (t) => {
  const dir = t.testdir();
  appliance(join(dir, 'app'), 'systemd', { 'var/lib/scriptlet/done': '' });
  const r = await boot(dir, ['app', '--timeout', '50'], `${DONE_OK}\n`, { FAKE_HANG: '1' });
  t.equal(r.code, 0, r.err);
  t.match(r.out, /boot app: the agent had finished every step on an earlier boot \(systemd does not start it again\); not booted/);
  t.same(r.argv, [], 'qemu was not started');
});

t.test('failed steps: exit 1 naming them', async (t) => {
  const dir = t.testdir();
  appliance(join(dir, 'app'), 'none');
  const console = [
    'scriptlet-agent: end id=0001-a.postinst state=ok rc=0 seconds=1',
    'scriptlet-agent: end id=0002-b.postinst state=failed rc=5 seconds=0',
    'scriptlet-agent: done result=failed ok=1 failed=1 skipped=0 total=2',
  ].join('\n');
  const r = await boot(dir, ['app', '--console', 'c.log'], `${console}\n`);
  t.equal(r.code, 1);
  t.match(r.err, /agent failed: 1 of 2 steps failed/);
  t.match(r.err, /0002-b\.postinst: failed \(exit 5\), log \/var\/lib\/scriptlet\/logs\/0002-b\.postinst\.log/);
  t.match(r.err, /the serial console is in c\.log/);
});

t.test('no report, timeout, already done', async (t) => {
  const dir = t.testdir();
  appliance(join(dir, 'app'), 'none');
  const quiet = await boot(dir, ['app'], 'Kernel panic - not syncing: Attempted to kill init!\n');
  t.equal(quiet.code, 2);
  t.match(quiet.err, /scriptlet: app: the guest ended without the agent's report \(kernel panic; no step had started\)/);

  const slow = await boot(dir, ['app', '--timeout', '2'], 'scriptlet-agent: start id=0001-a.postinst package=a phase=postinst attempt=1\n', { FAKE_HANG: '1' });
  t.equal(slow.code, 2);
  t.match(slow.err, /no report from the guest agent within 2 s \(1 step\(s\) started, the last 0001-a\.postinst\); qemu was stopped/);
  t.match(slow.err, /hint: .*raise --timeout/);

  appliance(join(dir, 'done'), 'none', { 'var/lib/scriptlet/done': '' });
  const again = await boot(dir, ['done'], 'supermin: ext2 mini initrd starting up\n');
  t.equal(again.code, 0, again.err);
  t.match(again.out, /the agent had finished every step on an earlier boot; nothing ran/);

  const crash = await boot(dir, ['app'], '', { FAKE_RC: '1' });
  t.equal(crash.code, 2);
  t.match(crash.err, /qemu exited with status 1/);
});

t.test('bad inputs', async (t) => {
  const dir = t.testdir({ chroot: { usr: { lib: { scriptlet: { agent: '' } } } }, empty: {} });
  const io = captureIo(dir);
  t.equal(await main(['boot', 'chroot'], io), 2);
  t.match(io.err, /chroot is a chroot appliance; only ext2 appliances/);
  const io2 = captureIo(dir);
  t.equal(await main(['boot', 'empty'], io2), 2);
  t.match(io2.err, /not an ext2 appliance: no kernel, initrd, root in empty/);
  const io3 = captureIo(dir);
  t.equal(await main(['boot', 'empty', '--memory', '0'], io3), 2);
  t.match(io3.err, /a whole number of MiB/);
  const io4 = captureIo(dir);
  t.equal(await main(['boot', 'empty', '--accel', 'xen'], io4), 2);
  t.match(io4.err, /auto, kvm or tcg/);
});

t.test('auto: a KVM guest stuck in the firmware is booted again under TCG', { skip: kvmUsable() ? undefined : 'this user cannot open /dev/kvm' }, async (t) => {
  const dir = t.testdir();
  appliance(join(dir, 'app'), 'none');
  writeFileSync(join(dir, 'console.txt'), `[    0.000000] Linux version 6.1\n${DONE_OK}\n`);
  writeFileSync(
    join(dir, 'qemu'),
    `#!/bin/sh\ncase "$*" in *accel=kvm*) echo 'Booting from ROM...'; exec sleep 60 ;; esac\ncase "$*" in *quiet*) ;; *) exit 9 ;; esac\ncat "$FAKE_CONSOLE"\n`,
  );
  chmodSync(join(dir, 'qemu'), 0o755);
  const io = captureIo(dir);
  io.env = { PATH: process.env.PATH, FAKE_CONSOLE: join(dir, 'console.txt') };
  const code = await runBoot('app', { timeout: 60, memory: 512, accel: 'auto', qemu: join(dir, 'qemu'), kvmGraceMs: 1500 }, io);
  t.equal(code, 0, io.err);
  t.match(io.err, /the KVM guest showed no kernel message within 2 s .*booting again with TCG/);
  t.match(io.err, /boot: tcg guest ran/);
  t.match(io.out, /^Booting from ROM\.\.\.\n\[ {4}0\.000000\] Linux version/);
});
