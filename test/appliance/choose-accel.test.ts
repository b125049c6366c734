import t from 'tap';
import { chooseAccel, kernelStarted } from '../../src/appliance/choose-accel.js';

t.test('accelerator choice', async (t) => {
  const cases: Array<[Parameters<typeof chooseAccel>[0], boolean, string]> = [
    ['auto', true, 'kvm'],
    ['auto', false, 'tcg'],
    ['tcg', true, 'tcg'],
    ['kvm', false, 'kvm'],
  ];
  for (const [choice, usable, expected] of cases) t.equal(chooseAccel(choice, usable), expected, `${choice}, kvm usable: ${usable}`);
});

t.test('the kernel started, or the guest is stuck in the firmware', async (t) => {
  const stuck = 'SeaBIOS (version 1.16.2-debian-1.16.2-1)\r\nBooting from ROM...\r\nProbing EDD (edd=off to disable)... ok\r\n\x1bc\x1b[?7l\x1b[2J';
  t.equal(kernelStarted(stuck), false);
  t.equal(kernelStarted(`${stuck}[    0.000000] Linux version 6.1.0-56-amd64 (debian-kernel@lists.debian.org)`), true);
  t.equal(kernelStarted('supermin: ext2 mini initrd starting up: 5.2.2 dietlibc'), true);
  t.equal(kernelStarted(''), false);
});
