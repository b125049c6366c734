/**
 * ucf and ucfr as dh_ucf writes them into a postinst:
 *
 *     ucf --three-way "/usr/share/pkg/template" "/etc/pkg/file"
 *     ucfr --force pkg "/etc/pkg/file"
 *
 * `ucf [--three-way] [--debconf-ok] TEMPLATE PATH` becomes a `ucf` action (the applier installs
 * the template only where ucf would without asking: no file and no recorded checksum), `ucfr
 * [--force] PACKAGE PATH` a `ucf-register` action. Both tools parse with getopt(1) `-a`; options
 * that change where ucf keeps its state or looks for files, only print, or purge are refused;
 * --debconf-ok, --verbose and --debug change only what ucf says.
 */
import type { Translator } from '../translator.js';
import { Invocation } from './invocation.js';
import type { OptionSpec } from './parse-argv.js';

const ucfSpecs: readonly OptionSpec[] = [
  { id: 'three-way', long: ['three-way'], value: 'none' },
  { id: 'quiet-ok', long: ['debconf-ok'], value: 'none' },
  { id: 'quiet-ok', short: 'v', long: ['verbose'], value: 'none' },
  { id: 'quiet-ok', short: 'd', long: ['debug'], value: 'optional' },
  { id: 'quiet-ok', short: 'D', long: ['DEBUG'], value: 'optional' },
  { id: 'other', short: 'h', long: ['help'], value: 'none' },
  { id: 'other', short: 's', long: ['src-dir'], value: 'required' },
  { id: 'other', long: ['sum-file'], value: 'required' },
  { id: 'other', long: ['dest-dir'], value: 'required' },
  { id: 'other', short: 'n', long: ['no-action'], value: 'none' },
  { id: 'other', short: 'P', long: ['package'], value: 'required' },
  { id: 'other', short: 'p', long: ['purge'], value: 'none' },
  { id: 'other', short: 'Z', value: 'none' },
  { id: 'other', long: ['debconf-template'], value: 'required' },
  { id: 'other', long: ['state-dir'], value: 'required' },
];

const ucfrSpecs: readonly OptionSpec[] = [
  { id: 'force', short: 'f', long: ['force'], value: 'none' },
  { id: 'quiet-ok', short: 'v', long: ['verbose'], value: 'none' },
  { id: 'quiet-ok', short: 'd', long: ['debug'], value: 'optional' },
  { id: 'quiet-ok', short: 'D', long: ['DEBUG'], value: 'optional' },
  { id: 'other', short: 'h', long: ['help'], value: 'none' },
  { id: 'other', short: 'n', long: ['no-action'], value: 'none' },
  { id: 'other', short: 'p', long: ['purge'], value: 'none' },
  { id: 'other', long: ['state-dir'], value: 'required' },
];

/** A package file ucf may read as a template: not a scratch file the script generated. */
const scratch = /^\/(tmp|var\/tmp|run|dev|proc)(\/|$)/;

export const translateUcf: Translator = (command, _params, ctx) => {
  const inv = new Invocation('ucf', command, ctx, ['ucf', 'ucfr']);
  if (inv.program === 'ucfr') {
    const args = inv.parse(ucfrSpecs, 'getopt');
    const other = args.options.find((o) => o.id === 'other');
    if (other) inv.fail(`${other.spelled} is not translated`);
    if (args.operands.length !== 2) inv.fail('wants PACKAGE and PATH');
    const pkg = inv.literal(args.operands[0], 'package');
    return [{ kind: 'ucf-register', package: pkg, path: inv.path(args.operands[1], 'path'), force: args.options.some((o) => o.id === 'force') }];
  }
  const args = inv.parse(ucfSpecs, 'getopt');
  const other = args.options.find((o) => o.id === 'other');
  if (other) inv.fail(`${other.spelled} is not translated`);
  if (args.operands.length !== 2) inv.fail('wants TEMPLATE and PATH');
  const template = inv.path(args.operands[0], 'template');
  if (scratch.test(template)) inv.fail(`template ${template} is a file the script makes at run time`);
  return [{ kind: 'ucf', template, path: inv.path(args.operands[1], 'path'), threeWay: args.options.some((o) => o.id === 'three-way') }];
};
