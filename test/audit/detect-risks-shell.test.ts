import t from 'tap';
import { detectRisks } from '../../src/audit/detect-risks.js';
import { analyse } from '../../src/shell/analyse.js';
import type { Scriptlet } from '../../src/formats/types.js';

function postinst(body: string, entry?: string): Scriptlet {
  const s: Scriptlet = {
    package: 'demo',
    format: entry === undefined ? 'deb' : 'arch',
    phase: entry === undefined ? 'postinst' : 'post_install',
    interpreter: { kind: 'sh', argv: ['/bin/sh'] },
    body,
    origin: 'test',
  };
  if (entry !== undefined) s.entry = entry;
  return s;
}

// Real shell text through the real analyser: the detector must agree with what the parser emits
// (argument words, redirection operators with fd prefixes, pipelines, substitutions, loops).
const cases: { name: string; body: string; entry?: string; expect: string[] }[] = [
  {
    name: 'while-read loop over a file is not a prompt',
    body: 'set -e\nwhile IFS= read -r line; do\n  echo "$line"\ndone < /etc/foo.list\n',
    expect: [],
  },
  {
    name: 'plain read is a prompt',
    body: 'echo "Continue?"\nread answer\n',
    expect: ['debconf-prompt/low@2'],
  },
  {
    name: 'curl piped to sh',
    body: 'curl -fsSL https://get.example.org/install.sh | sh -s -- --yes\n',
    expect: ['network/medium@1', 'download-exec/high@1'],
  },
  {
    name: 'eval of wget output',
    body: 'eval "$(wget -qO- https://example.org/env)"\n',
    expect: ['network/medium@1', 'download-exec/high@1', 'dynamic-code/medium@1'],
  },
  {
    name: 'rm -rf "$DIR/" and fd redirections',
    body: 'DIR=$(mktemp -d)\nrm -rf "$DIR/" 2>&1 >/dev/null\n',
    expect: ['rm-rf-variable/high@2'],
  },
  {
    name: '/dev/tcp with an fd prefix',
    body: 'exec 3<>/dev/tcp/192.0.2.1/80\n',
    expect: ['network/high@1'],
  },
  {
    name: 'heredoc into sudoers.d',
    body: 'cat > /etc/sudoers.d/demo <<EOF\ndemo ALL=(ALL) NOPASSWD: ALL\nEOF\n',
    expect: ['sudoers-edit/high@1'],
  },
  {
    name: 'guarded service restart is still reported',
    body: 'if [ "$1" = configure ] && [ -x /usr/bin/systemctl ]; then\n  systemctl try-restart demo.service || true\nfi\n',
    expect: ['service-control/medium@2'],
  },
  {
    name: 'debconf prompt',
    body: '. /usr/share/debconf/confmodule\ndb_input medium demo/question || true\ndb_go || true\n',
    expect: ['debconf-prompt/low@2', 'debconf-prompt/low@3'],
  },
  {
    name: 'grep of /etc/passwd inside a condition',
    body: "if ! grep -q '^demo:' /etc/passwd; then\n  echo 'demo:x:999:999::/:/bin/false' >> /etc/passwd\nfi\n",
    expect: ['passwd-parsing/medium@1', 'passwd-parsing/high@2'],
  },
  {
    name: 'Arch entry keeps only its own function',
    body: 'post_install() {\n  systemctl daemon-reload\n}\npost_upgrade() {\n  killall -HUP demo\n}\n',
    entry: 'post_install',
    expect: ['service-control/low@2'],
  },
];

t.test('risks from real shell text', async (t) => {
  for (const c of cases) {
    const s = postinst(c.body, c.entry);
    const analysis = await analyse(s);
    t.notOk(analysis.parseError, `${c.name}: parses`);
    const risks = detectRisks(analysis, c.entry === undefined ? {} : { entry: c.entry });
    t.same(risks.map((r) => `${r.kind}/${r.severity}@${r.line}`), c.expect, c.name);
  }
});
