import t from 'tap';
import { main } from '../../src/cli/main.js';
import { captureIo } from '../helpers/capture-io.js';

t.test('help and version exit 0', async (t) => {
  const io = captureIo();
  t.equal(await main(['--version'], io), 0);
  t.match(io.out, /\d+\.\d+\.\d+/);
  const io2 = captureIo();
  t.equal(await main(['--help'], io2), 0);
  t.match(io2.out, /Usage: scriptlet/);
});

t.test('unknown command is a usage error with exit 2', async (t) => {
  const io = captureIo();
  t.equal(await main(['no-such-command'], io), 2);
  t.match(io.err, /unknown command|too many arguments/);
});
