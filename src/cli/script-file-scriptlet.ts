/**
 * A bare script file (a maintainer script from a source tree, an .INSTALL, a test fixture) as a
 * Scriptlet, so it can be analysed and classified like one read from a package. Pure.
 */
import { UsageError } from '../errors.js';
import type { Interpreter, PackageFormat, Phase, Scriptlet } from '../formats/types.js';
import { phases } from '../policy/policy-schema.js';

const debPhases: readonly Phase[] = ['preinst', 'postinst', 'prerm', 'postrm', 'config', 'triggers'];
const archPhases: readonly Phase[] = ['pre_install', 'post_install', 'pre_upgrade', 'post_upgrade', 'pre_remove', 'post_remove'];

export function isPhase(value: string): value is Phase {
  return (phases as readonly string[]).includes(value);
}

export function formatOfPhase(phase: Phase): PackageFormat {
  if (debPhases.includes(phase)) return 'deb';
  if (archPhases.includes(phase)) return 'arch';
  return 'rpm';
}

function interpreterOf(body: string, phase: Phase): Interpreter {
  if (phase === 'triggers') return { kind: 'deb-triggers', argv: [] };
  if (phase === 'sysusers') return { kind: 'sysusers', argv: [] };
  const shebang = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(body);
  const argv = shebang ? [shebang[1]!, ...(shebang[2] ? [shebang[2]] : [])] : ['/bin/sh'];
  const program = (argv[0] === '/usr/bin/env' && argv[1] ? argv[1] : argv[0]!).replace(/^.*\//, '');
  const kind = /^bash$/.test(program)
    ? 'bash'
    : /^perl/.test(program)
      ? 'perl'
      : /^python/.test(program)
        ? 'python'
        : /^(sh|dash|ash|busybox)$/.test(program)
          ? 'sh'
          : 'other';
  // Arch .INSTALL files have no shebang; pacman sources them with bash.
  if (!shebang && archPhases.includes(phase)) return { kind: 'bash', argv: ['/bin/bash'] };
  return { kind, argv };
}

export interface ScriptFileOptions {
  phase?: string;
  format?: PackageFormat;
  package?: string;
}

/**
 * `fileName` is the base name; the phase comes from `options.phase` or a Debian-style name
 * (`postinst`, `foo.postinst`), the package from `options.package` or the `foo.` prefix.
 */
export function scriptletFromScriptFile(fileName: string, body: string, options: ScriptFileOptions = {}): Scriptlet {
  const named = /^(?:(.+)\.)?(preinst|postinst|prerm|postrm|config)$/.exec(fileName);
  const phaseText = options.phase ?? named?.[2];
  if (phaseText === undefined) {
    throw new UsageError(`cannot tell the phase of ${fileName}`, { file: fileName, hint: 'give --phase, e.g. --phase postinst or --phase post_install' });
  }
  if (!isPhase(phaseText)) {
    throw new UsageError(`unknown phase '${phaseText}'`, { hint: `phases: ${phases.join(', ')}` });
  }
  const format = options.format ?? formatOfPhase(phaseText);
  const scriptlet: Scriptlet = {
    package: options.package ?? named?.[1] ?? fileName.replace(/\.[^.]*$/, ''),
    format,
    phase: phaseText,
    interpreter: interpreterOf(body, phaseText),
    body,
    origin: fileName,
  };
  if (format === 'arch') scriptlet.entry = phaseText;
  return scriptlet;
}
