/**
 * File operations under path tests (`[ ! -e P ] && touch P`, `if [ ! -d D ]; then mkdir D; chown
 * u D; fi`): the command's own translator, with the path tests it runs under attached to each
 * action as conditions the applier decides on the built image (see path-guards.ts).
 */
import type { Action } from '../../actions/action.js';
import type { Translator } from '../translator.js';
import { translateChmod } from './chmod.js';
import { translateChown } from './chown.js';
import { translateInstall } from './install.js';
import { Invocation } from './invocation.js';
import { translateLn } from './ln.js';
import { translateMkdir } from './mkdir.js';
import { pathConditions } from './path-guards.js';
import { translateRm } from './rm.js';
import { translateTouch } from './touch.js';

const byProgram: Readonly<Record<string, Translator>> = {
  mkdir: translateMkdir,
  chown: translateChown,
  chgrp: translateChown,
  chmod: translateChmod,
  install: translateInstall,
  ln: translateLn,
  rm: translateRm,
  touch: translateTouch,
};

export const translateFileOp: Translator = (command, params, ctx) => {
  const inv = new Invocation('file-op', command, ctx, Object.keys(byProgram));
  const when = pathConditions(inv);
  const actions = byProgram[inv.program]!(command, params, ctx);
  if (!actions || when.length === 0) return actions;
  return actions.map((a): Action => {
    if (a.kind === 'directory' || a.kind === 'path-attr' || a.kind === 'symlink' || a.kind === 'remove' || a.kind === 'tmpfiles') {
      return { ...a, when };
    }
    return inv.fail(`a ${a.kind} action cannot carry a path condition`);
  });
};
