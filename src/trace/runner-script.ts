/**
 * The sh program bwrap starts inside the sandbox: loads a debconf preseed when one is given and the
 * tree has debconf, then becomes the script (exec), so the exit status bwrap reports is the
 * script's own.
 */
import { PRESEED } from './sandbox-layout.js';

export function runnerScript(): string {
  return `#!/bin/sh
if [ -f ${PRESEED} ]; then
  if command -v debconf-set-selections >/dev/null 2>&1; then
    debconf-set-selections ${PRESEED} || echo "scriptlet trace: debconf-set-selections failed; the script runs with template defaults" >&2
  else
    echo "scriptlet trace: the tree has no debconf; the preseed is ignored" >&2
  fi
fi
cd /
exec "$@"
`;
}
