import t from 'tap';
import { absoluteMode, applyModeSpec, parseModeSpec } from '../../../src/policy/translators/file-mode.js';

function spec(text: string) {
  const s = parseModeSpec(text);
  if (!s) throw new Error(`unparsable ${text}`);
  return s;
}

t.test('modes independent of the current mode', async (t) => {
  const cases: [string, number | null][] = [
    ['755', 0o755],
    ['0644', 0o644],
    ['2755', 0o2755],
    ['01733', 0o1733],
    ['u=rwx,go=rx', 0o755],
    // wireshark-common postinst
    ['u=rwx,g=rx,o=r', 0o754],
    ['u=rwxs,g=rx,o=r', 0o4754],
    ['a=r,u+w', 0o644],
    ['ugo=rwx,o-w', 0o775],
    ['u=rwx,g=u,o=', 0o770],
    ['u+s', null],
    ['+x', null],
    ['g-w', null],
    ['go=u', null],
    ['a=rX', null],
    ['u=rw,go=r', 0o644],
  ];
  for (const [text, want] of cases) t.equal(absoluteMode(spec(text)), want, text);
});

t.test('invalid modes', async (t) => {
  for (const text of ['8', '07777777', 'u=q', 'rwx', 'u=rw,', '+7']) t.equal(parseModeSpec(text), null, text);
});

t.test('mode_adjust details', async (t) => {
  // A clause without `who` is limited by the umask.
  t.equal(applyModeSpec(spec('+w'), 0o444, false, 0o022), 0o644);
  // On a directory, set-id bits not named by a short octal mode are kept.
  t.equal(applyModeSpec(spec('755'), 0o2775, true, 0), 0o2755);
  t.equal(applyModeSpec(spec('00755'), 0o2775, true, 0), 0o755);
  t.equal(applyModeSpec(spec('755'), 0o2775, false, 0), 0o755);
  // X: execute only for directories or files that already have an execute bit.
  t.equal(applyModeSpec(spec('a+X'), 0o644, false, 0), 0o644);
  t.equal(applyModeSpec(spec('a+X'), 0o644, true, 0), 0o755);
  t.equal(applyModeSpec(spec('a+X'), 0o744, false, 0), 0o755);
});
