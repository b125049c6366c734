/**
 * systemd.preset(5): `*.preset` files from the preset directories, a file in an earlier directory
 * hiding one of the same name in a later one, read in file-name order; the first rule whose glob
 * matches the unit decides; no match means enable. `enable foo@.service a b` names instances.
 */
import type { ImageView } from './image-view.js';

export interface PresetRule {
  action: 'enable' | 'disable' | 'ignore';
  pattern: string;
  instances: string[];
  file: string;
}

export function parsePresetFile(text: string, file: string): PresetRule[] {
  const rules: PresetRule[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const [verb, pattern, ...instances] = line.split(/\s+/);
    if ((verb === 'enable' || verb === 'disable' || verb === 'ignore') && pattern) {
      rules.push({ action: verb, pattern, instances: verb === 'enable' ? instances : [], file });
    }
  }
  return rules;
}

export function readPresetRules(view: ImageView, dirs: readonly string[]): PresetRule[] {
  const chosen = new Map<string, string>();
  for (const dir of dirs) {
    for (const name of view.list(dir)) {
      if (name.endsWith('.preset') && !chosen.has(name)) chosen.set(name, `${dir}/${name}`);
    }
  }
  const names = [...chosen.keys()].sort();
  return names.flatMap((n) => {
    const file = chosen.get(n) as string;
    const text = view.readFile(file)?.toString('utf8');
    return text === undefined ? [] : parsePresetFile(text, file);
  });
}

/** fnmatch(3) without flags: `*`, `?` and bracket expressions. */
export function fnmatch(pattern: string, name: string): boolean {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        let body = pattern.slice(i + 1, end);
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        re += `[${body.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (c === '\\' && i + 1 < pattern.length) {
      i += 1;
      re += (pattern[i] as string).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`${re}$`, 's').test(name);
}

export type PresetVerdict = { action: 'enable'; instances: string[]; rule?: PresetRule } | { action: 'disable' | 'ignore'; rule: PresetRule };

export function presetFor(rules: readonly PresetRule[], unit: string): PresetVerdict {
  for (const rule of rules) {
    if (!fnmatch(rule.pattern, unit)) continue;
    if (rule.action === 'enable') return { action: 'enable', instances: rule.instances, rule };
    return { action: rule.action, rule };
  }
  return { action: 'enable', instances: [] };
}
