/**
 * dpkg's update-alternatives. Its parser walks argv in order: every argument must start with
 * `--`; `--install LINK NAME PATH PRIORITY` and each following `--slave LINK NAME PATH` take
 * their fixed number of arguments; exactly one action is allowed. `--install` becomes an
 * alternative action (the plan picks the highest priority across packages, as auto mode does);
 * `--query`, `--display` and `--list` only print. `--set`, `--auto`, `--remove` and the rest
 * change choices already made, which is not part of a fresh install's declarative result.
 */
import type { Action } from '../../actions/action.js';
import type { Word } from '../../shell/analysis.js';
import type { Translator } from '../translator.js';
import { Invocation } from './invocation.js';

const actionArgs: Record<string, number> = {
  install: 4,
  remove: 2,
  set: 2,
  display: 1,
  query: 1,
  auto: 1,
  config: 1,
  list: 1,
  'remove-all': 1,
  all: 0,
  'get-selections': 0,
  'set-selections': 0,
};
const printing = new Set(['display', 'query', 'list']);
const flags = new Set(['verbose', 'quiet', 'debug', 'force', 'skip-auto']);
const valued: Record<string, string> = {
  log: '',
  altdir: 'uses another alternatives directory',
  admindir: 'uses another administrative directory',
  instdir: 'installs into another directory',
  root: 'works on another root directory',
};

type Alternative = Extract<Action, { kind: 'alternative' }>;

export const translateUpdateAlternatives: Translator = (command, _params, ctx) => {
  const inv = new Invocation('update-alternatives', command, ctx, ['update-alternatives']);
  const args = command.args;
  const take = (at: number, what: string): Word => args[at] ?? inv.fail(`missing ${what}`);
  let action: string | undefined;
  let alt: Alternative | undefined;
  for (let i = 0; i < args.length; i += 1) {
    const arg = inv.literal(args[i], 'argument');
    if (!arg.startsWith('--')) inv.fail(`unknown argument ${arg}`);
    const name = arg.slice(2);
    if (flags.has(name)) continue;
    if (name === 'help' || name === 'version') inv.fail(`${arg} prints text and changes nothing`);
    const why = valued[name];
    if (why !== undefined) {
      inv.literal(take(i + 1, `${arg} argument`), `${arg} argument`);
      if (why !== '') inv.fail(`${arg} ${why}`);
      i += 1;
      continue;
    }
    if (name === 'slave') {
      if (action !== 'install' || !alt) return inv.fail('--slave only allowed with --install');
      const link = inv.path(take(i + 1, 'slave link'), 'slave link');
      const sname = altName(inv, inv.literal(take(i + 2, 'slave name'), 'slave name'));
      const path = inv.path(take(i + 3, 'slave path'), 'slave path');
      if (link === path) inv.fail('<link> and <path> can\'t be the same');
      if (sname === alt.name) inv.fail(`name ${sname} is both primary and slave`);
      if (link === alt.link) inv.fail(`link ${link} is both primary and slave`);
      if (alt.slaves.some((s) => s.name === sname)) inv.fail(`duplicate slave name ${sname}`);
      if (alt.slaves.some((s) => s.link === link)) inv.fail(`duplicate slave link ${link}`);
      alt.slaves.push({ name: sname, link, path });
      i += 3;
      continue;
    }
    const count = actionArgs[name];
    if (count === undefined) return inv.fail(`unknown option ${arg}`);
    if (action !== undefined) inv.fail(`two actions: --${action} and ${arg}`);
    action = name;
    if (name === 'install') {
      const link = inv.path(take(i + 1, 'link'), 'link');
      const aname = altName(inv, inv.literal(take(i + 2, 'name'), 'name'));
      const path = inv.path(take(i + 3, 'path'), 'path');
      const prio = inv.literal(take(i + 4, 'priority'), 'priority');
      if (link === path) inv.fail('<link> and <path> can\'t be the same');
      if (!/^\s*[-+]?\d+$/.test(prio)) inv.fail(`priority ${prio} must be an integer`);
      const priority = Number.parseInt(prio, 10);
      if (priority < -(2 ** 31) || priority > 2 ** 31 - 1) inv.fail(`priority ${prio} is out of range`);
      alt = { kind: 'alternative', name: aname, link, path, priority, slaves: [] };
    } else {
      for (let k = 1; k <= count; k += 1) inv.literal(take(i + k, `--${name} argument`), `--${name} argument`);
    }
    i += count;
  }
  if (action === undefined) return inv.fail('no action given');
  if (printing.has(action)) return [];
  if (action !== 'install' || !alt) return inv.fail(`--${action} changes existing choices; it is not part of a fresh install`);
  return [alt];
};

function altName(inv: Invocation, name: string): string {
  if (name === '' || /[/\s]/.test(name)) inv.fail(`alternative name ${name} contains a slash or a space`);
  return name;
}
