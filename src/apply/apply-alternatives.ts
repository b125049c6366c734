/**
 * alternative actions as dpkg's update-alternatives (1.21) `--install` leaves the image, applied
 * one after another in the order given (the order dpkg configures the packages):
 *
 * - the administrative file /var/lib/dpkg/alternatives/NAME: status (`auto`), the master link, each
 *   slave's name and link (sorted by name), a blank line, then for each choice (sorted by path) its
 *   path, priority and one line per slave (its path, or empty), and a final blank line;
 * - in auto mode the best choice is the current one unless another has a strictly higher
 *   priority (ties keep what was chosen first), or the first choice when there is none yet;
 * - /etc/alternatives/NAME -> chosen path and the master link -> /etc/alternatives/NAME; each
 *   slave the same way, but only when the chosen choice has that slave and its file exists in the
 *   image (update-alternatives skips it with a warning otherwise);
 * - the choice's own path must exist, or update-alternatives fails; a link path occupied by
 *   something that is not a symlink is not replaced (without --force).
 */
import type { Action } from '../actions/action.js';
import type { ApplyContext } from './apply-context.js';
import { type ApplyOutcome, defer, done } from './apply-outcome.js';
import { exists } from './image-view.js';

type AlternativeAction = Extract<Action, { kind: 'alternative' }>;

const ADMIN_DIR = '/var/lib/dpkg/alternatives';
const ALT_DIR = '/etc/alternatives';

export interface Choice {
  path: string;
  priority: number;
  /** slave name -> path */
  slaves: Map<string, string>;
}

export interface AlternativeDb {
  status: 'auto' | 'manual';
  link: string;
  /** slave name -> link */
  slaves: Map<string, string>;
  choices: Choice[];
}

function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** Reads an administrative file; undefined when it does not parse (update-alternatives would fail too). */
export function parseAlternativeDb(text: string): AlternativeDb | undefined {
  const lines = text.split('\n');
  let i = 0;
  const next = (): string | undefined => lines[i++];
  const status = next();
  const link = next();
  if ((status !== 'auto' && status !== 'manual') || !link) return undefined;
  const slaveNames: string[] = [];
  const slaves = new Map<string, string>();
  for (;;) {
    const name = next();
    if (name === undefined) return undefined;
    if (name === '') break;
    const slaveLink = next();
    if (!slaveLink) return undefined;
    slaveNames.push(name);
    slaves.set(name, slaveLink);
  }
  const choices: Choice[] = [];
  for (;;) {
    const path = next();
    if (path === undefined) return undefined;
    if (path === '') break;
    const prio = next();
    if (prio === undefined || !/^-?\d+$/.test(prio)) return undefined;
    const cs = new Map<string, string>();
    for (const s of slaveNames) {
      const p = next();
      if (p === undefined) return undefined;
      if (p !== '') cs.set(s, p);
    }
    choices.push({ path, priority: Number(prio), slaves: cs });
  }
  return { status, link, slaves, choices };
}

export function formatAlternativeDb(db: AlternativeDb): string {
  const slaveNames = [...db.slaves.keys()].sort(compareBytes);
  const out = [db.status, db.link];
  for (const s of slaveNames) out.push(s, db.slaves.get(s) as string);
  out.push('');
  for (const c of [...db.choices].sort((a, b) => compareBytes(a.path, b.path))) {
    out.push(c.path, String(c.priority));
    for (const s of slaveNames) out.push(c.slaves.get(s) ?? '');
  }
  out.push('');
  return `${out.join('\n')}\n`;
}

export function applyAlternative(action: AlternativeAction, ctx: ApplyContext): ApplyOutcome {
  const view = ctx.view;
  if (!exists(view, action.path)) return defer(`alternative path ${action.path} doesn't exist; update-alternatives fails`);
  const adminFile = `${ADMIN_DIR}/${action.name}`;
  const prior = view.readFile(adminFile)?.toString('utf8');
  let db = prior === undefined ? undefined : parseAlternativeDb(prior);
  if (prior !== undefined && db === undefined) return defer(`${adminFile} is corrupt; update-alternatives fails`);
  const current = view.readlink(`${ALT_DIR}/${action.name}`);

  db ??= { status: 'auto', link: action.link, slaves: new Map(), choices: [] };
  db.link = action.link;
  for (const s of action.slaves) db.slaves.set(s.name, s.link);
  const choice: Choice = { path: action.path, priority: action.priority, slaves: new Map(action.slaves.map((s) => [s.name, s.path])) };
  const at = db.choices.findIndex((c) => c.path === action.path);
  if (at >= 0) db.choices[at] = choice;
  else db.choices.push(choice);
  db.choices.sort((a, b) => compareBytes(a.path, b.path));

  let chosen: Choice | undefined;
  if (db.status === 'auto') {
    let best = db.choices.find((c) => c.path === current) ?? db.choices[0];
    for (const c of db.choices) if (best && c.priority > best.priority) best = c;
    chosen = best;
  } else {
    chosen = db.choices.find((c) => c.path === current);
  }

  ctx.mkdirs(ADMIN_DIR);
  ctx.staging.writeFile(view.canonical(adminFile), formatAlternativeDb(db), 0o644);
  const notes = [`${action.name}: ${chosen ? chosen.path : 'no choice'} (${db.status})`];
  if (!chosen) return done(...notes);

  const links: { name: string; link: string; path: string | undefined }[] = [
    { name: action.name, link: db.link, path: chosen.path },
    ...[...db.slaves.entries()].map(([name, link]) => ({ name, link, path: chosen.slaves.get(name) })),
  ];
  for (const l of links) {
    const altLink = `${ALT_DIR}/${l.name}`;
    if (l.path === undefined || !exists(view, l.path)) {
      // update-alternatives removes a slave that the chosen choice lacks.
      for (const p of [altLink, l.link]) {
        if (view.lstat(p)?.type === 'symlink') ctx.staging.remove(view.canonical(p), ctx.view.image.lstat(view.canonical(p)) !== undefined);
      }
      if (l.path !== undefined) notes.push(`skipped ${l.link}: ${l.path} is not in the image`);
      continue;
    }
    ctx.mkdirs(ALT_DIR);
    ctx.staging.symlink(view.canonical(altLink), l.path);
    const occupant = view.lstat(l.link);
    if (occupant && occupant.type !== 'symlink') {
      notes.push(`not replacing ${l.link} with a link: it is a ${occupant.type} in the image`);
      continue;
    }
    ctx.mkparents(l.link);
    ctx.staging.symlink(view.canonical(l.link), altLink);
  }
  return done(...notes);
}
