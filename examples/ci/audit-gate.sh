#!/bin/sh
# CI gate over a directory of packages (.deb, .rpm, Arch; searched recursively):
#   - scriptlet.sarif for a code-scanning view (GitHub, GitLab), scriptlet.json for later tooling;
#   - exit 1 when an install-time script would be deferred to first boot, or a high-severity risk
#     is found (medium and low risks are in the reports, not gated);
#   - exit 2 when a package cannot be read or an option is wrong (scriptlet's own exit status).
# Usage: audit-gate.sh DIR [POLICY]   (POLICY: a policy file, or debian, fedora, arch)
set -u
dir=${1:?usage: audit-gate.sh DIR [POLICY]}
policy=${2:-}
set -- "$dir" --install-only
if [ -n "$policy" ]; then set -- "$@" --policy "$policy"; fi

scriptlet audit "$@" --json -o scriptlet.json || exit $?

status=0
scriptlet audit "$@" --sarif -o scriptlet.sarif --fail-on defer || status=$?
if [ "$status" -gt 1 ]; then exit "$status"; fi

high=$(node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(r.totals.bySeverity.high)' scriptlet.json)
deferred=$(node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(r.totals.installTime.deferred)' scriptlet.json)
echo "audit-gate: $deferred install-time scripts deferred to first boot, $high high-severity risks"
if [ "$high" -gt 0 ]; then status=1; fi
exit "$status"
