import t from 'tap';
import { definedInstallFunctions } from '../../../src/formats/arch/install-functions.js';

t.test('install functions by both definition forms', async (t) => {
  const cases: Array<[string, string[]]> = [
    ['post_install() {\n  :\n}\n', ['post_install']],
    ['post_install () {\n:\n}\npost_upgrade() {\n  post_install\n}\n', ['post_install', 'post_upgrade']],
    ['function pre_remove {\n:\n}\n', ['pre_remove']],
    ['function pre_install() {\n:\n}\n', ['pre_install']],
    ['post_remove()\n{\n:\n}\n', ['post_remove']],
    ['\tpre_upgrade(){ :; }\n', ['pre_upgrade']],
    ['# post_install() {\n#   :\n# }\n', []],
    ['_helper() {\n:\n}\npost_installer() {\n:\n}\nmy_post_install() {\n:\n}\n', []],
    ['echo post_install\npost_install\n', []],
    ['post_upgrade() { :; }\npre_install() { :; }\n', ['pre_install', 'post_upgrade']],
  ];
  for (const [text, want] of cases) t.same(definedInstallFunctions(text), want, JSON.stringify(text));
});
