import type { ScriptletError } from '../errors.js';

/** The shipped policies a `--policy` name can refer to (a test keeps this equal to policies/). */
export const shippedPolicyNames = ['arch', 'base', 'debian', 'fedora'] as const;

/**
 * A hint for an error whose thrower had none to give, from its code and errno: every user error
 * then ends with a suggested fix, and throwers deep in readers need not know about the CLI.
 */
export function fallbackHint(e: ScriptletError): string | undefined {
  const errno = (e.cause as NodeJS.ErrnoException | undefined)?.code ?? /\((E[A-Z]+)\)/.exec(e.message)?.[1];
  switch (e.code) {
    case 'E_IO':
      if (/policy file not found/.test(e.message)) {
        return `a --policy value is a shipped policy (${shippedPolicyNames.join(', ')}) or the path of a .json5 file`;
      }
      if (/cannot write/.test(e.message)) return 'the directory must exist and be writable';
      if (errno === 'ENOENT' || /no such file/.test(e.message)) return 'check the path; relative paths are taken from the current directory';
      if (errno === 'EACCES' || errno === 'EPERM') return 'check the permissions of the file and of its directories';
      return undefined;
    case 'E_FORMAT_UNKNOWN':
      return 'scriptlet reads .deb, .rpm and Arch .pkg.tar.* packages (by content, whatever the name)';
    case 'E_FORMAT_CORRUPT':
    case 'E_FORMAT_LIMIT':
      return 'the package looks truncated or damaged: fetch it again; with audit or plan, --keep-going reads the others';
    case 'E_POLICY_SYNTAX':
    case 'E_POLICY_SCHEMA':
      return '`scriptlet policy check FILE` lists every problem; the fields are in docs/policy-reference.md';
    case 'E_TOOL_MISSING':
      return '`bash scripts/setup` installs every tool scriptlet uses';
    case 'E_LOCKED':
      return 'another scriptlet run holds the lock: wait for it to finish';
    default:
      return undefined;
  }
}
