import t from 'tap';
import { analyse } from '../../src/shell/analyse.js';
import { shellScriptlet } from '../helpers/shell-scriptlet.js';

// Expanded RPM macros start with a newline (`%systemd_post` opens with `\`), so scriptlet bodies
// often begin with blank lines; quoted words must read the same as without them.
const leads = ['', '\n', '\n\n\n', '   \n\t\n', '# comment\n\n'];

for (const lead of leads) {
  t.test(`double-quoted words after ${JSON.stringify(lead)}`, async (t) => {
    const body = `${lead}if [ $1 -eq 1 ] && [ -x "/usr/lib/systemd/systemd-update-helper" ]; then\n  x "a $HOME b" "/etc/x"\nfi\n`;
    const a = await analyse(shellScriptlet(body, { format: 'rpm', phase: 'post' }));
    t.equal(a.parser, 'tree-sitter');
    const test = a.commands.find((c) => c.name === '[' && c.args[0]?.text === '-x');
    t.same(test?.args.map((w) => w.text), ['-x', '/usr/lib/systemd/systemd-update-helper', ']']);
    const x = a.commands.find((c) => c.name === 'x');
    t.same(x?.args.map((w) => [w.text, w.literal]), [
      ['"a $HOME b"', false],
      ['/etc/x', true],
    ]);
  });
}
