/**
 * Renders the deferred steps into the files the guest agent reads at first boot: a plain-text plan
 * (one tab-separated line per step, in run order) and one directory per step holding the script and
 * its interpreter, arguments and environment, one value per line. The agent is POSIX sh and may
 * have only busybox, so nothing here needs a JSON tool or `eval` to read. Pure: steps in, files out.
 */
import { createHash } from 'node:crypto';
import { ScriptletError } from '../errors.js';
import type { Phase } from '../formats/types.js';
import { DEFERRED_DIR } from './agent-layout.js';

export interface DeferredStep {
  /** Unique, names the step's directory and log: letters, digits and `@._+-`, starting alnum. */
  id: string;
  package: string;
  phase: Phase;
  /** argv[0] (an absolute path in the image) and its fixed arguments, e.g. ['/bin/sh', '-e']. */
  interpreter: string[];
  /**
   * The script body, passed to the interpreter as a file. Empty means there is no script and the
   * interpreter is the program itself (an RPM `-p /sbin/ldconfig` scriptlet).
   */
  script: string;
  /** Arguments after the script, e.g. ['configure', ''] for a fresh Debian postinst. */
  args: string[];
  /** Extra environment, e.g. DPKG_MAINTSCRIPT_PACKAGE. */
  env: Record<string, string>;
  timeoutSeconds: number;
  /** Why the step was deferred; kept next to the script for whoever debugs the appliance. */
  reason: string;
}

export interface ImageFile {
  /** Written UTF-8 encoded; the plan's checksum is over those bytes. */
  contents: string;
  mode: number;
}

/** First line of every plan; the agent refuses any other so that a format change cannot misrun. */
export const PLAN_HEADER = '# scriptlet-plan 1';

/** A week: the agent's timeout must stay a plain integer that `date +%s` arithmetic handles. */
const MAX_TIMEOUT_SECONDS = 604800;
const MAX_ID_LENGTH = 128;

const idPattern = /^[A-Za-z0-9][A-Za-z0-9@._+-]*$/;
const wordPattern = /^[A-Za-z0-9@._+-]+$/;
const envNamePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Files for the image, keyed by path relative to its root, sorted by path. Throws E_BUILD when a
 * step cannot be represented faithfully (a value with a newline, a relative interpreter, …).
 */
export function renderDeferredPlan(steps: readonly DeferredStep[]): Map<string, ImageFile> {
  const files = new Map<string, ImageFile>();
  const seen = new Set<string>();
  const rows = [PLAN_HEADER, '# id\tpackage\tphase\ttimeout\tsha256'];
  for (const step of steps) {
    checkStep(step, seen);
    seen.add(step.id);
    const dir = `${DEFERRED_DIR}/${step.id}`;
    const sha = step.script === '' ? '-' : sha256(step.script);
    rows.push([step.id, step.package, step.phase, String(step.timeoutSeconds), sha].join('\t'));
    if (step.script !== '') files.set(`${dir}/script`, { contents: step.script, mode: 0o755 });
    files.set(`${dir}/interpreter`, { contents: lines(step.interpreter), mode: 0o644 });
    files.set(`${dir}/args`, { contents: lines(step.args), mode: 0o644 });
    const env = Object.keys(step.env)
      .sort()
      .map((name) => `${name}=${step.env[name]}`);
    files.set(`${dir}/env`, { contents: lines(env), mode: 0o644 });
    files.set(`${dir}/reason`, { contents: `${step.reason}\n`, mode: 0o644 });
  }
  files.set(`${DEFERRED_DIR}/plan`, { contents: lines(rows), mode: 0o644 });
  return new Map([...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** One value per line, each ending in a newline, so an empty value is an empty line. */
function lines(values: readonly string[]): string {
  return values.map((v) => `${v}\n`).join('');
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function checkStep(step: DeferredStep, seen: ReadonlySet<string>): void {
  const fail = (message: string, hint?: string): never => {
    throw new ScriptletError('E_BUILD', `deferred step ${JSON.stringify(step.id)}: ${message}`, {
      package: step.package,
      ...(hint ? { hint } : {}),
    });
  };
  if (!idPattern.test(step.id) || step.id.length > MAX_ID_LENGTH) {
    fail(`the id must be 1-${MAX_ID_LENGTH} letters, digits or @._+- starting with a letter or digit`);
  }
  if (seen.has(step.id)) fail('the id is used by an earlier step');
  if (!wordPattern.test(step.package)) fail(`package name ${JSON.stringify(step.package)} has characters the plan cannot hold`);
  if (!wordPattern.test(step.phase)) fail(`phase ${JSON.stringify(step.phase)} has characters the plan cannot hold`);
  if (!Number.isInteger(step.timeoutSeconds) || step.timeoutSeconds < 1 || step.timeoutSeconds > MAX_TIMEOUT_SECONDS) {
    fail(`timeout must be a whole number of seconds from 1 to ${MAX_TIMEOUT_SECONDS}`);
  }
  const [program] = step.interpreter;
  if (program === undefined || !program.startsWith('/')) {
    fail('the interpreter must start with an absolute path inside the image', 'embedded interpreters such as <lua> cannot be deferred to the guest agent');
  }
  step.interpreter.forEach((v, i) => checkValue(v, `interpreter word ${i + 1}`, fail));
  step.args.forEach((v, i) => checkValue(v, `argument ${i + 1}`, fail));
  for (const [name, value] of Object.entries(step.env)) {
    if (!envNamePattern.test(name)) fail(`environment name ${JSON.stringify(name)} is not a valid shell variable name`);
    checkValue(value, `environment value of ${name}`, fail);
  }
  if (step.script.includes('\0')) fail('the script contains a NUL byte');
}

/** The agent reads values one per line with `read -r`: a newline or NUL cannot round-trip. */
function checkValue(value: string, what: string, fail: (message: string) => never): void {
  if (value.includes('\n') || value.includes('\0')) fail(`${what} contains a newline or NUL byte`);
}
