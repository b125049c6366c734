import t from 'tap';
import { deferredEntries, firstBootSteps } from '../../src/appliance/first-boot-files.js';
import type { ApplyResult } from '../../src/apply/apply-actions.js';
import type { ImageView } from '../../src/apply/image-view.js';
import { StagingTree } from '../../src/apply/staging-tree.js';
import type { Package, Scriptlet } from '../../src/formats/types.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import type { Outcome } from '../../src/policy/verdict.js';
import { pkg, verdicts } from '../helpers/plan-fixtures.js';

const sh = (body: string): string => `#!/bin/sh\n${body}\n`;
const empty: ImageView = { lstat: () => undefined, readlink: () => undefined, list: () => [], readFile: () => undefined };
const nothingApplied: ApplyResult = { staging: new StagingTree(), applied: [], deferred: [], removals: [] };

function stepsOf(packages: Package[], decide: (s: Scriptlet) => Outcome) {
  const plan = buildPlan(packages, verdicts(packages, decide));
  return firstBootSteps({ plan, applied: nothingApplied, view: empty, packages, timeoutSeconds: 60 });
}

const withTemplates = (p: Package): Package => ({ ...p, templates: `Template: ${p.name}/q\nType: boolean\nDefault: true\nDescription: q?\n` });
const dropConfig = (s: Scriptlet): Outcome => (s.phase === 'config' ? 'drop' : 'defer');

const cases: { name: string; packages: Package[]; decide: (s: Scriptlet) => Outcome; ids: string[] }[] = [
  {
    name: 'a dropped config script runs before its deferred postinst, after the templates load',
    packages: [withTemplates(pkg('tz', { scripts: { config: sh('db_set tz/q false'), postinst: sh('db_get tz/q') } }))],
    decide: dropConfig,
    ids: ['001-tz.templates', '001-tz.config', '001-tz.postinst'],
  },
  {
    name: 'and before a deferred preinst, once per package',
    packages: [pkg('app', { scripts: { config: sh('db_input'), preinst: sh('a'), postinst: sh('b') } })],
    decide: dropConfig,
    ids: ['001-app.config', '001-app.preinst', '002-app.postinst'],
  },
  {
    name: 'a deferred config script is not run twice',
    packages: [withTemplates(pkg('app', { scripts: { config: sh('db_input'), postinst: sh('b') } }))],
    decide: () => 'defer',
    ids: ['001-app.templates', '001-app.config', '002-app.postinst'],
  },
  {
    name: 'no config script: only the templates',
    packages: [withTemplates(pkg('app', { scripts: { postinst: sh('b') } }))],
    decide: () => 'defer',
    ids: ['001-app.templates', '001-app.postinst'],
  },
  {
    name: 'nothing deferred: nothing runs, not even the config script',
    packages: [pkg('app', { scripts: { config: sh('db_input'), postinst: sh('b') } })],
    decide: () => 'drop',
    ids: [],
  },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    const { steps } = stepsOf(c.packages, c.decide);
    t.same(
      steps.map((s) => s.id),
      c.ids,
    );
  });
}

t.test('the config step runs the package script as debconf does: configure with no old version, noninteractive, named package', async (t) => {
  const { steps, templateFiles } = stepsOf([withTemplates(pkg('tz', { scripts: { config: sh('db_set tz/q false'), postinst: sh('db_get tz/q') } }))], dropConfig);
  const config = steps.find((s) => s.id === '001-tz.config')!;
  t.same(config.interpreter, ['/bin/sh']);
  t.equal(config.script, sh('db_set tz/q false'));
  t.same(config.args, ['configure', '']);
  t.match(config.env, { DEBIAN_FRONTEND: 'noninteractive', DEBCONF_PACKAGE: 'tz' });
  t.equal(config.phase, 'config');
  t.equal(config.timeoutSeconds, steps.find((s) => s.id === '001-tz.postinst')!.timeoutSeconds, 'the timeout of the step it precedes');
  const files = deferredEntries({ steps, templateFiles }).map((e) => e.path);
  t.ok(files.includes('usr/lib/scriptlet/deferred/001-tz.config/script'), 'its script is in the deferred plan');
  t.ok(files.includes('usr/lib/scriptlet/deferred/001-tz.templates/templates'), 'the templates beside it');
});
