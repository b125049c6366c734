import t from 'tap';
import { FormatError } from '../../../src/errors.js';
import { controlField, parseControlParagraphs } from '../../../src/formats/deb/parse-control-fields.js';

t.test('fields, continuation lines, several paragraphs', async (t) => {
  const text = [
    'Package: a',
    'Status: install ok installed',
    'Description: short',
    ' long line one',
    ' .',
    '\tlong line two',
    'conffiles:',
    ' /etc/a 0123 obsolete',
    '',
    '',
    '# a comment',
    'Package: b',
    'Version: 1.0',
    '   ',
    'Package: c',
    '',
  ].join('\n');
  const ps = parseControlParagraphs(text, { file: 'status' });
  t.equal(ps.length, 3);
  const [a, b, c] = ps;
  t.equal(a?.line, 1);
  t.equal(controlField(a!, 'package'), 'a');
  t.equal(controlField(a!, 'DESCRIPTION'), 'short\nlong line one\n.\nlong line two');
  t.equal(controlField(a!, 'Conffiles'), '\n/etc/a 0123 obsolete');
  t.equal(a?.fields.get('conffiles')?.name, 'conffiles');
  t.equal(a?.fields.get('conffiles')?.line, 7);
  t.equal(b?.line, 12);
  t.equal(controlField(b!, 'Version'), '1.0');
  t.equal(c?.line, 15);
  t.same(parseControlParagraphs('', {}), []);
  t.same(parseControlParagraphs('Package: crlf\r\nVersion: 2\r\n', {}).map((p) => controlField(p, 'version')), ['2']);
});

t.test('errors carry file, line and column', async (t) => {
  const cases: Array<[string, string, number, RegExp]> = [
    ['continuation first', ' leading space\n', 1, /continuation line/],
    ['no colon', 'Package: a\nnot a field\n', 2, /expected "Field: value"/],
    ['empty name', 'Package: a\n: value\n', 2, /expected "Field: value"/],
    ['duplicate', 'Package: a\nVersion: 1\npackage: b\n', 3, /duplicate field package/],
    ['bad name', 'Pack age: a\n', 1, /bad field name/],
  ];
  for (const [name, text, line, message] of cases) {
    try {
      parseControlParagraphs(text, { file: 'x.deb', member: 'control.tar.xz:control' });
      t.fail(name);
    } catch (e) {
      t.type(e, FormatError, name);
      t.equal((e as FormatError).context.line, line, name);
      t.match((e as FormatError).message, message, name);
      t.equal((e as FormatError).toOneLine().split(':').slice(0, 3).join(':'), `x.deb:control.tar.xz:control`, name);
      t.match((e as FormatError).toOneLine(), `:${line}:1: `);
    }
  }
});
