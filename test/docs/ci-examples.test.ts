/**
 * examples/ci: the gate script on package sets that pass, trip the gate and are broken, and the
 * GitHub Actions and GitLab CI files: their audit steps run as written in a directory laid out like
 * the CI checkout (scriptlet/ next to packages/), and what they upload is what the gate writes.
 */
import t, { type Test } from 'tap';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { cacheDir } from '../helpers/cache-dir.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const gate = join(repo, 'examples', 'ci', 'audit-gate.sh');

function debs(names: string[]): Record<string, string> {
  const cache = cacheDir('doc-debs');
  const r = spawnSync('flock', [join(cache, '.lock'), 'apt-get', 'download', ...names], { cwd: cache, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`apt-get download failed: ${r.stderr}`);
  const files = readdirSync(cache);
  return Object.fromEntries(names.map((n) => [n, join(cache, files.find((f) => f.startsWith(`${n}_`))!)]));
}

const pkg = debs(['openssh-server', 'cron', 'dbus']);

/** A CI-like working directory: scriptlet on PATH, the checkout at scriptlet/, packages/ with the given files. */
function workdir(t: Test, packages: string[]): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = t.testdir();
  mkdirSync(join(dir, 'packages'));
  for (const p of packages) copyFileSync(pkg[p]!, join(dir, 'packages', `${p}.deb`));
  symlinkSync(repo, join(dir, 'scriptlet'));
  mkdirSync(join(dir, '.bin'));
  symlinkSync(join(repo, 'bin', 'scriptlet.js'), join(dir, '.bin', 'scriptlet'));
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${join(dir, '.bin')}:${process.env.PATH ?? ''}` };
  delete env.NODE_OPTIONS;
  return { dir, env };
}

function sh(command: string, dir: string, env: NodeJS.ProcessEnv): { status: number | null; out: string } {
  const r = spawnSync('sh', ['-c', command], { cwd: dir, env, encoding: 'utf8', timeout: 600_000 });
  return { status: r.status, out: r.stdout + r.stderr };
}

t.test('audit-gate.sh: 0 without deferred scripts, 1 with one, 2 for broken input, reports written', async (t) => {
  const ok = workdir(t, ['cron', 'dbus']);
  const r0 = sh(`${gate} packages/`, ok.dir, ok.env);
  t.equal(r0.status, 0, r0.out);
  t.match(r0.out, /0 install-time scripts deferred/);
  const sarif = JSON.parse(readFileSync(join(ok.dir, 'scriptlet.sarif'), 'utf8')) as { version: string };
  t.equal(sarif.version, '2.1.0');
  const json = JSON.parse(readFileSync(join(ok.dir, 'scriptlet.json'), 'utf8')) as { totals: { packages: number } };
  t.equal(json.totals.packages, 2);


  const deferred = workdir(t, ['cron', 'openssh-server']);
  const r1 = sh(`${gate} packages/`, deferred.dir, deferred.env);
  t.equal(r1.status, 1, r1.out);
  t.match(r1.out, /1 install-time scripts deferred/);
  t.ok(existsSync(join(deferred.dir, 'scriptlet.sarif')), 'the SARIF report is written when the gate trips');

  // A truncated .deb is recognised as a package (its ar magic) and fails to read: exit 2, not a gate.
  writeFileSync(join(ok.dir, 'packages', 'broken.deb'), readFileSync(pkg.cron!).subarray(0, 1500));
  const r2 = sh(`${gate} packages/ debian`, ok.dir, ok.env);
  t.equal(r2.status, 2, r2.out);
  t.match(r2.out, /broken\.deb/);
});

interface GithubWorkflow {
  jobs: Record<string, { steps: { name?: string; run?: string; uses?: string; with?: Record<string, string>; 'working-directory'?: string }[] }>;
}

const npmScripts = Object.keys((JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);

function checkInstall(t: Test, lines: string[]): void {
  for (const l of lines) for (const m of l.matchAll(/npm run ([\w:-]+)/g)) t.ok(npmScripts.includes(m[1]!), `npm script ${m[1]} exists`);
}

t.test('github-actions.yml: the audit step runs as written and writes the SARIF file it uploads', async (t) => {
  const wf = parse(readFileSync(join(repo, 'examples', 'ci', 'github-actions.yml'), 'utf8')) as GithubWorkflow;
  const steps = Object.values(wf.jobs)[0]!.steps;
  const install = steps.find((s) => s.name === 'Install scriptlet');
  t.equal(install?.['working-directory'], 'scriptlet');
  checkInstall(t, install?.run?.split('\n') ?? []);
  const audit = steps.find((s) => s.name === 'Audit');
  t.ok(audit?.run, 'an Audit step');
  const upload = steps.find((s) => s.uses?.startsWith('github/codeql-action/upload-sarif'));
  const w = workdir(t, ['cron', 'openssh-server']);
  const r = sh(audit!.run!, w.dir, w.env);
  t.equal(r.status, 1, `the gate trips on openssh-server's deferred postinst: ${r.out}`);
  t.ok(existsSync(join(w.dir, upload!.with!.sarif_file!)), `the uploaded ${upload!.with!.sarif_file} exists`);
});

t.test('gitlab-ci.yml: the audit script line runs as written and writes the artifacts it keeps', async (t) => {
  const ci = parse(readFileSync(join(repo, 'examples', 'ci', 'gitlab-ci.yml'), 'utf8')) as Record<string, { script: string[]; artifacts: { paths: string[] } }>;
  const job = Object.values(ci)[0]!;
  const [install, ...rest] = job.script;
  checkInstall(t, [install!]);
  const w = workdir(t, ['cron', 'dbus']);
  for (const line of rest) {
    const r = sh(line, w.dir, w.env);
    t.equal(r.status, 0, `${line}: ${r.out}`);
  }
  for (const p of job.artifacts.paths) t.ok(existsSync(join(w.dir, p)), `artifact ${p} exists`);
});
