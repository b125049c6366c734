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
  /**
   * 'latin1' when `script` holds one character per byte of a script that is not valid UTF-8
   * (Scriptlet.bodyEncoding): the file is then written with those bytes, not re-encoded.
   */
  scriptEncoding?: 'latin1';
  /** Arguments after the script, e.g. ['configure', ''] for a fresh Debian postinst. */
  args: string[];
  /** Extra environment, e.g. DPKG_MAINTSCRIPT_PACKAGE. */
  env: Record<string, string>;
  timeoutSeconds: number;
  /** Why the step was deferred; kept next to the script for whoever debugs the appliance. */
  reason: string;
}

export interface ImageFile {
  /** Text is written UTF-8 encoded; bytes (a step's script) as they are. */
  contents: string | Uint8Array;
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
    const script = scriptBytes(step);
    const sha = script.length === 0 ? '-' : sha256(script);
    rows.push([step.id, step.package, step.phase, String(step.timeoutSeconds), sha].join('\t'));
    if (script.length > 0) files.set(`${dir}/script`, { contents: script, mode: 0o755 });
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

/**
 * The script file exactly as the package shipped it: a Latin-1 body goes back to its original
 * bytes, anything else is UTF-8. The agent checks the plan's checksum against these bytes.
 */
export function scriptBytes(step: Pick<DeferredStep, 'script' | 'scriptEncoding'>): Buffer {
  return Buffer.from(step.script, step.scriptEncoding === 'latin1' ? 'latin1' : 'utf8');
}

/** sha256 of the script file's bytes (what the agent checks), or null when there is no script. */
export function scriptSha256(step: Pick<DeferredStep, 'script' | 'scriptEncoding'>): string | null {
  const bytes = scriptBytes(step);
  return bytes.length === 0 ? null : sha256(bytes);
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
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
  // A latin1 body is one character per byte; anything above U+00FF would be silently truncated.
  if (step.scriptEncoding === 'latin1' && /[^\u0000-\u00ff]/.test(step.script)) fail('the script is marked latin1 but holds characters above U+00FF');
}

/** The agent reads values one per line with `read -r`: a newline or NUL cannot round-trip. */
function checkValue(value: string, what: string, fail: (message: string) => never): void {
  if (value.includes('\n') || value.includes('\0')) fail(`${what} contains a newline or NUL byte`);
}
