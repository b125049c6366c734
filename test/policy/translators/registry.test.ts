import t from 'tap';
import { translators } from '../../../src/policy/translators/registry.js';
import { TranslateError } from '../../../src/policy/translators/translate-error.js';
import { cmd } from '../../helpers/command.js';
import { translatorContext } from '../../helpers/translator-context.js';

t.test('every registered name translates its own command', async (t) => {
  // One command each that the translator of that name accepts.
  const samples: Record<string, string> = {
    adduser: 'adduser --system x',
    addgroup: 'addgroup --system x',
    useradd: 'useradd -r x',
    groupadd: 'groupadd -r x',
    usermod: 'usermod -aG g u',
    gpasswd: 'gpasswd -a u g',
    'deb-systemd-helper': 'deb-systemd-helper enable x.service',
    'deb-trigger': 'activate-noawait ldconfig',
    systemctl: 'systemctl enable x.service',
    'systemd-update-helper': 'systemd-update-helper install-system-units x.service',
    'update-rc.d': 'update-rc.d x defaults',
    'update-alternatives': 'update-alternatives --install /usr/bin/x x /usr/bin/y 1',
    'dpkg-statoverride': 'dpkg-statoverride --add root root 755 /x',
    'dpkg-maintscript-helper': 'dpkg-maintscript-helper rm_conffile /etc/x -- "$@"',
    mkdir: 'mkdir /x',
    chown: 'chown root /x',
    chgrp: 'chgrp root /x',
    chmod: 'chmod 755 /x',
    install: 'install -d /x',
    ln: 'ln -s /a /b',
    rm: 'rm -f /x',
    ldconfig: 'ldconfig',
    'fc-cache': 'fc-cache',
    'update-icon-caches': 'update-icon-caches /usr/share/icons/hicolor',
    'gtk-update-icon-cache': 'gtk-update-icon-cache /usr/share/icons/hicolor',
    'update-mime-database': 'update-mime-database /usr/share/mime',
    'update-desktop-database': 'update-desktop-database',
    'gio-querymodules': 'gio-querymodules /usr/lib/gio/modules',
    'gdk-pixbuf-query-loaders': 'gdk-pixbuf-query-loaders --update-cache',
    'glib-compile-schemas': 'glib-compile-schemas /usr/share/glib-2.0/schemas',
    depmod: 'depmod -a',
    'emacs-package-install': '/usr/lib/emacsen-common/emacs-package-install --postinst elpa-x',
    dictdconfig: 'dictdconfig -w',
    'dictionaries-common': 'update-dictcommon-aspell',
    touch: 'touch /var/log/x',
    'file-op': 'touch /var/log/x',
    py3compile: 'py3compile -p x',
    pycompile: 'pycompile -p x',
    mandb: 'mandb',
    'update-ca-certificates': 'update-ca-certificates',
    'update-initramfs': 'update-initramfs -u',
    'systemd-tmpfiles': 'systemd-tmpfiles --create x.conf',
    'systemd-sysusers': 'systemd-sysusers x.conf',
    sysusers: 'g x -',
    'font-indexes': 'update-fonts-dir --x11r7-layout 75dpi',
    'systemd-hwdb': 'systemd-hwdb --usr update',
    ucf: 'ucfr x /etc/x.conf',
    'installdeb-compat': 'mkdir -p "$dico_vardir"',
  };
  // Translators that read the script around the command: the script each sample sits in, and its line.
  const around: Record<string, { body: string; line: number }> = {
    'installdeb-compat': {
      body: '# Automatically added by installdeb-aspell/UNDECLARED\ndico_class="aspell"\ndico_vardir="/var/lib/$dico_class"\ndico_compat="ca.compat"\n\nmkdir -p "$dico_vardir"\nfor i in $dico_compat; do\n    >"/var/lib/$dico_class/$i"\ndone\n# End automatically added section\n',
      line: 6,
    },
  };
  t.same([...translators.keys()].sort(), Object.keys(samples).sort(), 'samples cover the registry');
  for (const [name, line] of Object.entries(samples)) {
    const translator = translators.get(name);
    if (!translator) {
      t.fail(`${name} not registered`);
      continue;
    }
    const script = around[name];
    const base = translatorContext();
    const ctx = script ? { ...base, scriptlet: { ...base.scriptlet, body: script.body } } : base;
    const actions = translator(cmd(line, script ? { line: script.line } : {}), {}, ctx);
    t.ok(Array.isArray(actions), `${name}: ${line}`);
  }
});

t.test('a translator given another tool\'s command refuses with context', async (t) => {
  const translator = translators.get('adduser');
  t.ok(translator);
  try {
    translator?.(cmd('chown root /x', { line: 7 }), {}, translatorContext('deb', 'postinst', 'cron'));
    t.fail('no error');
  } catch (e) {
    t.type(e, TranslateError);
    if (e instanceof TranslateError) {
      t.equal(e.code, 'E_TRANSLATE');
      t.equal(e.translator, 'adduser');
      t.same(e.context, { package: 'cron', member: 'control.tar.xz:postinst', line: 7 });
      t.match(e.toOneLine(), /^cron:control\.tar\.xz:postinst:7: adduser: does not translate chown/);
    }
  }
});
