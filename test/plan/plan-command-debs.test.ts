/**
 * End to end over real bookworm packages: `scriptlet plan` on a directory of .debs downloaded with
 * apt-get into the shared cache. The install order must put every dependency in the set before
 * its dependant, and the openssh-server postinst must be deferred with dpkg's fresh-install
 * arguments and environment. A small policy written here keeps the expectations independent of
 * the shipped policies, which change.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { DEFERRED_DIR } from '../../src/appliance/agent-layout.js';
import { renderDeferredPlan, type DeferredStep } from '../../src/appliance/deferred-plan.js';
import { main } from '../../src/cli/main.js';
import { readPackageFile } from '../../src/formats/read-package-file.js';
import type { Package } from '../../src/formats/types.js';
import { cacheDir } from '../helpers/cache-dir.js';

const wanted = [
  'adduser',
  'base-passwd',
  'openssh-server',
  'openssh-client',
  'openssh-sftp-server',
  'cron',
  'dbus',
  'dbus-daemon',
  'dbus-system-bus-common',
  'libc-bin',
  'libc6',
  'man-db',
  'dpkg',
];

function fetchDeb(pkg: string): string | undefined {
  const dir = cacheDir('debs');
  const find = () => readdirSync(dir).find((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'));
  if (!find()) {
    try {
      execFileSync('flock', [join(dir, '.lock'), 'apt-get', 'download', pkg], { cwd: dir, stdio: 'pipe' });
    } catch {
      return undefined;
    }
  }
  const file = find();
  return file ? join(dir, file) : undefined;
}

const debs = wanted.map(fetchDeb);
const missing = wanted.filter((_, i) => debs[i] === undefined);

interface JsonPlan {
  order: { name: string }[];
  brokenDependencies: { package: string; on: string }[];
  deferred: (DeferredStep & { stage: string; cause: string; sha256: string | null })[];
  summary: { scripts: number; deferred: number; steps: number };
}

async function runCli(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), isTty: false, color: false, env: {}, cwd });
  return { code, stdout, stderr };
}

t.test('plan over real Debian packages', { skip: missing.length > 0 ? `apt-get download failed for ${missing.join(', ')}` : false }, async (t) => {
  const dir = t.testdir({
    'policy.json5': JSON.stringify({
      name: 'plan-e2e',
      family: 'debian',
      rules: [
        { id: 'triggers-file', scope: 'script', match: { language: 'deb-triggers' }, outcome: 'drop', reason: 'trigger declarations are planned, not run' },
      ],
    }),
  });
  const pkgDir = join(dir, 'debs');
  execFileSync('mkdir', [pkgDir]);
  for (const deb of debs) copyFileSync(deb!, join(pkgDir, deb!.slice(deb!.lastIndexOf('/') + 1)));

  const { code, stdout, stderr } = await runCli(['plan', 'debs', '--policy', './policy.json5', '--json', '-q'], dir);
  t.equal(code, 0, stderr);
  const plan = JSON.parse(stdout) as JsonPlan;
  t.equal(plan.order.length, wanted.length);

  // Every dependency satisfied within the set comes before its dependant (control data read
  // independently of the planner).
  const packages: Package[] = [];
  for (const deb of debs) packages.push(await readPackageFile(deb!));
  const position = new Map(plan.order.map((p, i) => [p.name, i]));
  const satisfiers = (name: string): string[] => packages.filter((p) => p.name === name || p.provides.some((d) => d.name === name)).map((p) => p.name);
  let checked = 0;
  for (const p of packages) {
    for (const group of [...p.preDepends, ...p.depends]) {
      const inSet = group.flatMap((d) => satisfiers(d.name)).filter((n) => n !== p.name);
      if (inSet.length === 0 || group.some((d) => satisfiers(d.name).includes(p.name))) continue;
      if (plan.brokenDependencies.some((b) => b.package === p.name && inSet.includes(b.on))) continue;
      checked++;
      t.ok(
        inSet.some((n) => position.get(n)! < position.get(p.name)!),
        `${p.name}: ${group.map((d) => d.name).join(' | ')} comes first`,
      );
    }
  }
  t.ok(checked >= 10, `checked ${checked} in-set dependencies`);

  const sshd = plan.deferred.find((s) => s.package === 'openssh-server' && s.phase === 'postinst');
  t.ok(sshd, 'openssh-server postinst is deferred');
  t.same(sshd!.args, ['configure', '']);
  t.equal(sshd!.env.DPKG_MAINTSCRIPT_NAME, 'postinst');
  t.equal(sshd!.env.DPKG_MAINTSCRIPT_PACKAGE, 'openssh-server');
  t.equal(sshd!.env.DPKG_RUNNING_VERSION, packages.find((p) => p.name === 'dpkg')!.version);
  t.equal(sshd!.stage, 'configure');
  const preinst = plan.deferred.find((s) => s.package === 'openssh-server' && s.phase === 'preinst');
  if (preinst) t.same(preinst.args, ['install']);

  // Run order: configure steps follow dependencies too.
  const configureAt = new Map(plan.deferred.filter((s) => s.stage === 'configure').map((s, i) => [s.package, i]));
  t.ok(configureAt.get('openssh-client')! < configureAt.get('openssh-server')!, 'openssh-client configured before openssh-server');

  // The steps map onto what the guest agent runs.
  const files = renderDeferredPlan(plan.deferred);
  t.equal(files.get(`${DEFERRED_DIR}/${sshd!.id}/args`)?.contents, 'configure\n\n');

  // The human output has the same steps and a summary.
  const text = await runCli(['plan', 'debs', '--policy', './policy.json5', '-q'], dir);
  t.equal(text.code, 0);
  t.match(text.stdout, new RegExp(`${sshd!.id}  \\[configure\\]\\n    run:    /bin/sh '<script>' configure ''`));
  t.match(text.stdout, `Summary: ${wanted.length} packages, ${plan.summary.scripts} scripts:`);
});
