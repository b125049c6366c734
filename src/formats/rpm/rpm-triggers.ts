import { FormatError } from '../../errors.js';
import type { RpmPhase, Scriptlet, TriggerCondition } from '../types.js';
import { senseOperator } from './rpm-dependencies.js';
import type { RpmHeader } from './rpm-header.js';
import { rpmInterpreter } from './rpm-interpreter.js';
import { DEFAULT_FILE_TRIGGER_PRIORITY, RpmSense, RpmTag, rpmTagLabel, type RpmTagName } from './rpm-tags.js';

interface TriggerFamily {
  scripts: RpmTagName;
  prog: RpmTagName;
  scriptFlags: RpmTagName;
  name: RpmTagName;
  index: RpmTagName;
  version: RpmTagName;
  flags: RpmTagName;
  priorities?: RpmTagName;
  /** Phase for each sense bit; a family without a bit cannot have that kind of trigger. */
  phases: { prein?: RpmPhase; in: RpmPhase; un: RpmPhase; postun: RpmPhase };
}

const families: readonly TriggerFamily[] = [
  {
    scripts: 'TRIGGERSCRIPTS',
    prog: 'TRIGGERSCRIPTPROG',
    scriptFlags: 'TRIGGERSCRIPTFLAGS',
    name: 'TRIGGERNAME',
    index: 'TRIGGERINDEX',
    version: 'TRIGGERVERSION',
    flags: 'TRIGGERFLAGS',
    phases: { prein: 'triggerprein', in: 'triggerin', un: 'triggerun', postun: 'triggerpostun' },
  },
  {
    scripts: 'FILETRIGGERSCRIPTS',
    prog: 'FILETRIGGERSCRIPTPROG',
    scriptFlags: 'FILETRIGGERSCRIPTFLAGS',
    name: 'FILETRIGGERNAME',
    index: 'FILETRIGGERINDEX',
    version: 'FILETRIGGERVERSION',
    flags: 'FILETRIGGERFLAGS',
    priorities: 'FILETRIGGERPRIORITIES',
    phases: { in: 'filetriggerin', un: 'filetriggerun', postun: 'filetriggerpostun' },
  },
  {
    scripts: 'TRANSFILETRIGGERSCRIPTS',
    prog: 'TRANSFILETRIGGERSCRIPTPROG',
    scriptFlags: 'TRANSFILETRIGGERSCRIPTFLAGS',
    name: 'TRANSFILETRIGGERNAME',
    index: 'TRANSFILETRIGGERINDEX',
    version: 'TRANSFILETRIGGERVERSION',
    flags: 'TRANSFILETRIGGERFLAGS',
    priorities: 'TRANSFILETRIGGERPRIORITIES',
    phases: { in: 'transfiletriggerin', un: 'transfiletriggerun', postun: 'transfiletriggerpostun' },
  },
];

/** Same precedence as rpm's triggertypeTagFor (lib/tagexts.cc). */
function phaseFor(family: TriggerFamily, flags: number): RpmPhase | undefined {
  if (flags & RpmSense.TRIGGERPREIN) return family.phases.prein;
  if (flags & RpmSense.TRIGGERIN) return family.phases.in;
  if (flags & RpmSense.TRIGGERUN) return family.phases.un;
  if (flags & RpmSense.TRIGGERPOSTUN) return family.phases.postun;
  return undefined;
}

/**
 * Package, file and transaction file triggers. Scripts, PROGs, script flags and priorities are
 * parallel arrays indexed by script; conditions (NAME, VERSION, FLAGS) point at their script through
 * INDEX, and the first condition's sense decides the trigger kind, as rpm does.
 */
export function triggerScriptlets(header: RpmHeader, pkg: string): Scriptlet[] {
  return families.flatMap((family) => familyScriptlets(header, pkg, family));
}

function familyScriptlets(header: RpmHeader, pkg: string, family: TriggerFamily): Scriptlet[] {
  const texts = header.scriptTexts(RpmTag[family.scripts]);
  if (texts === undefined) return [];
  const scripts = texts.map((t) => t.text);
  const progs = header.strings(RpmTag[family.prog]) ?? [];
  const scriptFlags = header.numbers(RpmTag[family.scriptFlags]);
  const priorities = family.priorities ? header.numbers(RpmTag[family.priorities]) : undefined;
  const names = header.strings(RpmTag[family.name]) ?? [];
  const indices = header.numbers(RpmTag[family.index]) ?? [];
  const versions = header.strings(RpmTag[family.version]);
  const flags = header.numbers(RpmTag[family.flags]) ?? [];

  const mismatch = (tag: RpmTagName, got: number, want: number, against: RpmTagName): FormatError =>
    new FormatError(
      'E_FORMAT_CORRUPT',
      `${rpmTagLabel(RpmTag[tag])} has ${got} entries but ${rpmTagLabel(RpmTag[against])} has ${want}`,
      { file: header.file, offset: header.entry(RpmTag[tag])?.offset ?? header.start, package: pkg },
    );
  if (progs.length !== scripts.length) throw mismatch(family.prog, progs.length, scripts.length, family.scripts);
  if (scriptFlags && scriptFlags.length !== scripts.length) {
    throw mismatch(family.scriptFlags, scriptFlags.length, scripts.length, family.scripts);
  }
  if (priorities && priorities.length !== scripts.length) {
    throw mismatch(family.priorities as RpmTagName, priorities.length, scripts.length, family.scripts);
  }
  if (indices.length !== names.length) throw mismatch(family.index, indices.length, names.length, family.name);
  if (flags.length !== names.length) throw mismatch(family.flags, flags.length, names.length, family.name);
  if (versions && versions.length !== names.length) {
    throw mismatch(family.version, versions.length, names.length, family.name);
  }

  const conditions: { phase: RpmPhase | undefined; list: TriggerCondition[] }[] = scripts.map(() => ({
    phase: undefined,
    list: [],
  }));
  names.forEach((target, j) => {
    const ix = indices[j] as number;
    const group = conditions[ix];
    if (group === undefined) {
      throw new FormatError(
        'E_FORMAT_CORRUPT',
        `${rpmTagLabel(RpmTag[family.index])}[${j}] = ${ix} but there are ${scripts.length} trigger scripts`,
        { file: header.file, offset: (header.entry(RpmTag[family.index])?.offset ?? header.start) + j * 4, package: pkg },
      );
    }
    const sense = flags[j] as number;
    if (group.list.length === 0) group.phase = phaseFor(family, sense);
    const version = versions?.[j] ?? '';
    const op = senseOperator(sense);
    const condition: TriggerCondition = { target };
    if (op && version !== '') {
      condition.op = op;
      condition.version = version;
    }
    if (family.priorities) condition.priority = priorities?.[ix] ?? DEFAULT_FILE_TRIGGER_PRIORITY;
    group.list.push(condition);
  });

  const out: Scriptlet[] = [];
  scripts.forEach((body, i) => {
    const group = conditions[i];
    // A script no condition points at, or whose sense names no kind this family has, is never run
    // by rpm; it is not part of what installing the package does.
    if (!group || group.phase === undefined) return;
    const flagsValue = scriptFlags?.[i];
    out.push({
      package: pkg,
      format: 'rpm',
      phase: group.phase,
      interpreter: rpmInterpreter([progs[i] as string], body !== ''),
      body,
      ...(texts[i]?.encoding === 'latin1' ? { bodyEncoding: 'latin1' as const } : {}),
      ...(flagsValue !== undefined ? { flags: flagsValue } : {}),
      triggers: group.list,
      origin: `header:${family.scripts}[${i}]`,
    });
  });
  return out;
}
