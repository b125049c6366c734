/**
 * examples/preseed/openssh-server.preseed: valid debconf-set-selections input, asking only
 * questions openssh-server has (with their types), and taking effect: `scriptlet trace --preseed`
 * runs the postinst with it and sshd_config gets "PasswordAuthentication no" (the template's
 * default, true, leaves the line commented out).
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDir } from '../helpers/cache-dir.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const preseed = join(repo, 'examples', 'preseed', 'openssh-server.preseed');

const cache = cacheDir('doc-debs');
const dl = spawnSync('flock', [join(cache, '.lock'), 'apt-get', 'download', 'openssh-server'], { cwd: cache, encoding: 'utf8' });
if (dl.status !== 0) throw new Error(`apt-get download openssh-server failed: ${dl.stderr}`);
const deb = join(cache, readdirSync(cache).find((f) => f.startsWith('openssh-server_'))!);

const answers = readFileSync(preseed, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '' && !l.startsWith('#'))
  .map((l) => l.split(/\s+/));

t.test('the preseed is valid debconf-set-selections input', async (t) => {
  const r = spawnSync('debconf-set-selections', ['--checkonly', preseed], { encoding: 'utf8' });
  t.equal(r.status, 0, r.stderr);
  t.ok(answers.length >= 1);
});

t.test('every answer is a question of the package, with its type', async (t) => {
  const dir = t.testdir();
  const r = spawnSync('dpkg-deb', ['-e', deb, join(dir, 'ctl')], { encoding: 'utf8' });
  t.equal(r.status, 0, r.stderr);
  const templates = readFileSync(join(dir, 'ctl', 'templates'), 'utf8');
  const types = new Map([...templates.matchAll(/^Template: (\S+)\nType: (\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
  for (const [pkg, question, type] of answers) {
    t.equal(pkg, 'openssh-server');
    t.equal(types.get(question!), type, `${question} is a ${type} question of openssh-server`);
  }
});

t.test('scriptlet trace --preseed: the answers reach the postinst', async (t) => {
  const r = spawnSync(join(repo, 'bin', 'scriptlet.js'), ['trace', '--keep', '--preseed', preseed, deb], { encoding: 'utf8', timeout: 600_000 });
  const kept = /scratch directory kept: (\S+)/.exec(r.stdout)?.[1];
  t.teardown(() => {
    if (kept) rmSync(kept, { recursive: true, force: true });
  });
  t.equal(r.status, 0, 'the trace exits 0', { output: (r.stdout + r.stderr).slice(-2000) });
  t.match(r.stdout, `preseed ${preseed}`);
  t.ok(kept, 'the scratch directory is kept');
  if (!kept) return;
  // An overlay scratch tree keeps the changes in overlay/upper; a copied one is tree/.
  const upper = join(kept, 'overlay', 'upper');
  const config = readFileSync(join(existsSync(upper) ? upper : join(kept, 'tree'), 'etc', 'ssh', 'sshd_config'), 'utf8');
  t.match(config, /^PasswordAuthentication no$/m, 'password-authentication false');
  t.notMatch(config, /^PermitRootLogin yes$/m, 'permit-root-login true keeps root password logins off');
});
