/**
 * One sysusers.d line, as the analysis of an RPM SYSUSERS tag gives it (Command.name is the type
 * letter, the args its fields), turned into user, group and group-member actions following
 * sysusers.d(5): `u NAME ID "GECOS" HOME SHELL` makes a system user and, unless ID names an
 * existing group (`uid:groupname`), a group of the same name (gid = uid when a number is
 * given); `-` fields take the defaults (home `/`, shell /usr/sbin/nologin, or /bin/sh for uid 0);
 * `g NAME ID`, `m USER GROUP`. `r` (allocation ranges), ids read from a file's owner, specifiers
 * (`%`) and line modifiers (`u!`) are refused.
 */
import type { Action } from '../../actions/action.js';
import type { Word } from '../../shell/analysis.js';
import type { Translator } from '../translator.js';
import { Invocation } from './invocation.js';
import { MAX_ID } from './useradd.js';

const nameRe = /^[A-Za-z_][A-Za-z0-9_-]{0,30}$/;

export const translateSysusersLine: Translator = (command, _params, ctx) => {
  const inv = new Invocation('sysusers', command, ctx, ['u', 'g', 'm', 'r', 'u!', 'g!', 'm!', 'r!']);
  if (inv.program.endsWith('!')) inv.fail(`line modifier in ${inv.program} is not translated`);
  const field = (i: number, what: string): string | undefined => {
    const w: Word | undefined = command.args[i];
    if (w === undefined) return undefined;
    const text = inv.literal(w, what);
    if (/%[^%]/.test(text)) inv.fail(`${what} ${text} uses a specifier`);
    const unescaped = text.replace(/%%/g, '%');
    return unescaped === '-' ? undefined : unescaped;
  };
  const name = (i: number, what: string): string => {
    const n = field(i, what);
    if (n === undefined) return inv.fail(`missing ${what}`);
    if (!nameRe.test(n)) inv.fail(`${what} ${n} is not a valid sysusers name`);
    return n;
  };
  const number = (text: string, what: string): number => {
    if (!/^\d+$/.test(text)) return inv.fail(`${what} ${text} is not a number`);
    const n = Number.parseInt(text, 10);
    if (n > MAX_ID || n === 65535) inv.fail(`${what} ${text} is reserved or out of range`);
    return n;
  };

  switch (inv.program) {
    case 'r':
      return inv.fail('an id range changes how every id of the file is allocated');
    case 'm':
      if (command.args.length > 2) inv.fail('m takes USER GROUP');
      return [{ kind: 'group-member', user: name(0, 'user'), group: name(1, 'group') }];
    case 'g': {
      if (command.args.length > 2) inv.fail('g takes NAME ID');
      const group = name(0, 'group');
      const id = field(1, 'gid');
      if (id?.startsWith('/')) inv.fail(`gid taken from the owner of ${id}`);
      return [{ kind: 'group', name: group, system: true, ...(id !== undefined ? { gid: number(id, 'gid') } : {}) }];
    }
    default: {
      if (command.args.length > 5) inv.fail('u takes NAME ID GECOS HOME SHELL');
      const user = name(0, 'user');
      const id = field(1, 'id');
      if (id?.startsWith('/')) inv.fail(`uid taken from the owner of ${id}`);
      let uid: number | undefined;
      let gid: number | undefined;
      let primary = user;
      let createGroup = true;
      if (id !== undefined) {
        const colon = id.indexOf(':');
        const uidText = colon >= 0 ? id.slice(0, colon) : id;
        if (uidText !== '-') uid = number(uidText, 'uid');
        if (colon >= 0) {
          const groupText = id.slice(colon + 1);
          if (/^\d+$/.test(groupText)) gid = number(groupText, 'gid');
          else if (nameRe.test(groupText)) {
            primary = groupText;
            createGroup = false;
          } else inv.fail(`group ${groupText} is not a number or a valid name`);
        } else {
          gid = uid;
        }
      }
      const gecos = field(2, 'gecos');
      if (gecos?.includes(':')) inv.fail('gecos contains a colon');
      const actions: Action[] = [];
      if (createGroup) actions.push({ kind: 'group', name: user, system: true, ...(gid !== undefined ? { gid } : {}) });
      actions.push({
        kind: 'user',
        name: user,
        system: true,
        ...(uid !== undefined ? { uid } : {}),
        group: primary,
        home: field(3, 'home') ?? '/',
        createHome: false,
        shell: field(4, 'shell') ?? (uid === 0 ? '/bin/sh' : '/usr/sbin/nologin'),
        ...(gecos !== undefined ? { gecos } : {}),
      });
      return actions;
    }
  }
};
