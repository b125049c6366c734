/**
 * The distribution-neutral half of the build on rpm and pacman packages, without an rpm or pacman
 * host: real package files (rpmbuild; tar + zstd as makepkg lays them out) are read, classified by a
 * policy that extends the shipped fedora / arch policy, planned, rendered into the guest agent's
 * deferred plan, and run by the real agent (unprivileged, SCRIPTLET_ROOT) to show that every script
 * gets its package manager's fresh-install arguments: `1` for RPM scriptlets, the .INSTALL function
 * name and the package version for Arch. What stays untested here is supermin's rpm and pacman
 * backends themselves.
 */
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assessPackages } from '../../src/audit/assess-packages.js';
import { DEFERRED_DIR } from '../../src/appliance/agent-layout.js';
import { renderDeferredPlan } from '../../src/appliance/deferred-plan.js';
import { readPackageFile } from '../../src/formats/read-package-file.js';
import type { Package, Scriptlet } from '../../src/formats/types.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import { ARCH_CALL, RPM_PATH } from '../../src/plan/script-invocation.js';
import { loadPolicy } from '../../src/policy/load-policy.js';
import type { Verdict } from '../../src/policy/verdict.js';
import { findShells, makeRoot, runAgent } from '../helpers/agent-harness.js';
import { buildArchPackage } from '../helpers/build-arch-pkg.js';
import { buildRpm } from '../helpers/build-rpm.js';

const has = (tool: string): boolean => {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

// The policies are loaded once, at module level, and live as long as the process: under tap, an
// isolated-vm isolate created inside a test or disposed before exit makes isolated-vm 5.0.4 abort
// the process at exit (IsolateEnvironment::GetCurrent assertion, SIGABRT) after every assertion
// passed. A plain `node` run of the same calls exits cleanly.
const policyDir = mkdtempSync(join(tmpdir(), 'scriptlet-foreign-policy-'));
const loadedPolicies = Object.fromEntries(
  (['fedora', 'arch'] as const).map((family) => {
    const policyFile = join(policyDir, `fx-${family}.json5`);
    writeFileSync(
      policyFile,
      `{ name: 'fx-${family}', family: '${family}', extends: '${family}', rules: [{ id: 'fx-defer', scope: 'script', match: { package: 'fx-*' }, outcome: 'defer', reason: 'the test runs it at first boot' }] }\n`,
    );
    return [family, loadPolicy(policyFile, { cwd: policyDir })];
  }),
) as Record<'fedora' | 'arch', ReturnType<typeof loadPolicy>>;
t.teardown(() => rmSync(policyDir, { recursive: true, force: true }));

async function plan(files: string[], family: 'fedora' | 'arch') {
  const loaded = loadedPolicies[family];
  const packages: Package[] = [];
  for (const f of files) packages.push(await readPackageFile(f));
  const assessed = await assessPackages(packages, () => loaded);
  const verdicts = new Map<Scriptlet, Verdict>([...assessed].map(([s, a]) => [s, a.verdict]));
  return { packages, verdicts, plan: buildPlan(packages, verdicts) };
}

const rpmSpec = (name: string, requires: string, log: string): string => `Name: ${name}
Version: 2.0
Release: 1
Summary: fixture
License: MIT
BuildArch: noarch
${requires}

%description
fixture

%pretrans
echo "${name} pretrans $# $1" >> ${log}
%pre
echo "${name} pre $# $1" >> ${log}
%post
echo "${name} post $# $1 PATH=$PATH" >> ${log}
%posttrans
echo "${name} posttrans $# $1" >> ${log}
%preun
echo "${name} preun must not run" >> ${log}

%files
`;

t.test('rpm fixtures: %pretrans < %pre < %post < %posttrans in dependency order, each with $1 = 1', { skip: has('rpmbuild') ? undefined : 'rpmbuild is not installed', timeout: 240_000 }, async (t) => {
  const dir = t.testdir();
  const log = join(dir, 'ran.log');
  // fx-app requires fx-lib, so fx-lib's %pre and %post come first (the files are given app first).
  const app = await buildRpm(dir, 'fx-app', rpmSpec('fx-app', 'Requires: fx-lib', log));
  const lib = await buildRpm(dir, 'fx-lib', rpmSpec('fx-lib', '', log));
  const { plan: p, verdicts } = await plan([app, lib], 'fedora');
  t.ok([...verdicts.values()].filter((v) => v.phase !== 'preun').every((v) => v.outcome === 'defer' && v.rule.id === 'fx-defer'));
  t.same(
    p.deferred.map((s) => `${s.package}.${s.phase}`),
    ['fx-lib.pretrans', 'fx-app.pretrans', 'fx-lib.pre', 'fx-lib.post', 'fx-app.pre', 'fx-app.post', 'fx-lib.posttrans', 'fx-app.posttrans'],
    'rpm order: pretrans of all, then per package pre and post in dependency order, then posttrans',
  );
  t.ok(p.deferred.every((s) => s.args.length === 1 && s.args[0] === '1' && s.env.PATH === RPM_PATH), 'every step gets $1 = 1 and rpm\'s PATH');

  const files = renderDeferredPlan(p.deferred);
  const post = p.deferred.find((s) => s.package === 'fx-lib' && s.phase === 'post');
  t.equal(files.get(`${DEFERRED_DIR}/${post?.id}/args`)?.contents, '1\n', 'the rendered argument file');

  const { shells } = findShells(dir);
  const dash = shells.find((s) => s.name === 'dash');
  if (!dash) return;
  const root = makeRoot(dir, p.deferred);
  const run = await runAgent(root, dash, ['run']);
  t.equal(run.code, 0, run.stderr);
  const lines = readFileSync(log, 'utf8').trim().split('\n');
  t.same(
    lines.map((l) => l.replace(/ PATH=.*/, '')),
    ['fx-lib pretrans 1 1', 'fx-app pretrans 1 1', 'fx-lib pre 1 1', 'fx-lib post 1 1', 'fx-app pre 1 1', 'fx-app post 1 1', 'fx-lib posttrans 1 1', 'fx-app posttrans 1 1'],
    'the agent ran each scriptlet once, with one argument, 1',
  );
  t.match(lines[3], `PATH=${RPM_PATH}`);
});

const INSTALL = (log: string): string => `
pre_install() {
  echo "pre_install $# $1" >> ${log}
}
post_install() {
  echo "post_install $# $1" >> ${log}
}
post_upgrade() {
  echo "post_upgrade must not run" >> ${log}
}
`;

t.test('Arch fixtures (tar + zstd): pre_install and post_install called with the package version', { skip: has('zstd') ? undefined : 'zstd is not installed', timeout: 120_000 }, async (t) => {
  const dir = t.testdir();
  const log = join(dir, 'ran.log');
  const pkginfo = (name: string, version: string, depend = ''): string => `pkgname = ${name}\npkgver = ${version}\narch = any\n${depend ? `depend = ${depend}\n` : ''}`;
  const app = buildArchPackage(dir, 'fx-app', { pkginfo: pkginfo('fx-app', '1:2.5-3', 'fx-lib'), install: INSTALL(log), payload: { 'usr/share/fx-app/x': 'x' } });
  const lib = buildArchPackage(dir, 'fx-lib', { pkginfo: pkginfo('fx-lib', '0.9-1'), install: INSTALL(log) });
  const { plan: p } = await plan([app, lib], 'arch');
  t.same(
    p.deferred.map((s) => [s.package, s.phase, s.args]),
    [
      ['fx-lib', 'pre_install', ['pre_install', '0.9-1']],
      ['fx-lib', 'post_install', ['post_install', '0.9-1']],
      ['fx-app', 'pre_install', ['pre_install', '1:2.5-3']],
      ['fx-app', 'post_install', ['post_install', '1:2.5-3']],
    ],
    'dependency order; the function and the new version (upgrade and remove functions are not install phases)',
  );
  t.ok(p.deferred.every((s) => s.interpreter.at(-2) === '-c' && s.interpreter.at(-1) === ARCH_CALL), 'the .INSTALL file is sourced and the function called');

  const { shells } = findShells(dir);
  for (const shell of shells) {
    t.test(`run by the agent under ${shell.name}`, async (t) => {
      writeFileSync(log, '');
      // The appliance's /bin/sh; here the shell under test, so busybox alone is enough.
      const steps = p.deferred.map((s) => ({ ...s, interpreter: [...shell.interpreter, ...s.interpreter.slice(1)] }));
      const root = makeRoot(t.testdir(), steps);
      const run = await runAgent(root, shell, ['run']);
      t.equal(run.code, 0, run.stderr);
      t.same(readFileSync(log, 'utf8').trim().split('\n'), ['pre_install 1 0.9-1', 'post_install 1 0.9-1', 'pre_install 1 1:2.5-3', 'post_install 1 1:2.5-3']);
    });
  }
});
