import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { sourceDateEpoch } from '../appliance/source-date-epoch.js';
import type { LoadedPolicy } from '../policy/load-policy.js';
import { renderFirstBootJson } from '../report/render-first-boot-json.js';
import { renderFirstBootText } from '../report/render-first-boot-text.js';
import { renderVerifyJson } from '../report/render-verify-json.js';
import { renderVerifyText } from '../report/render-verify-text.js';
import { firstBootPassed } from '../verify/first-boot-result.js';
import { runFirstBootVerify } from '../verify/run-first-boot.js';
import { checkKeepDir, runVerify, type VerifyOptions } from '../verify/run-verify.js';
import { verifyPassed } from '../verify/verify-result.js';
import type { RegisterCommand } from './commands.js';
import { ExitCode } from './exit-code.js';
import type { CliIo } from './io.js';
import { policyChooser } from './policy-chooser.js';

interface VerifyCliOptions {
  suite: string;
  mirror: string[];
  keep?: string;
  json?: boolean;
  cacheDir?: string;
  policy?: string;
  quiet?: boolean;
  firstBoot?: boolean;
}

/** $SCRIPTLET_CACHE/verify, else $XDG_CACHE_HOME/scriptlet/verify, else ~/.cache/scriptlet/verify. */
export function defaultVerifyCache(env: NodeJS.ProcessEnv): string {
  if (env.SCRIPTLET_CACHE) return join(env.SCRIPTLET_CACHE, 'verify');
  return join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache'), 'scriptlet', 'verify');
}

export async function runVerifyCommand(packages: string[], opts: VerifyCliOptions, io: CliIo): Promise<number> {
  if (opts.keep !== undefined) checkKeepDir(opts.keep);
  const policies = new Map<string, LoadedPolicy>();
  const chatty = !opts.quiet && !opts.json;
  try {
    const options: VerifyOptions = {
      packages,
      suite: opts.suite,
      mirrors: opts.mirror,
      cacheDir: resolve(io.cwd, opts.cacheDir ?? defaultVerifyCache(io.env)),
      ...(opts.keep !== undefined ? { keep: resolve(io.cwd, opts.keep) } : {}),
      choosePolicy: policyChooser(io, opts.policy, policies),
      // New shadow entries get today's day, as in the reference; the day itself is not compared.
      epoch: sourceDateEpoch(io.env, Math.floor(Date.now() / 1000)),
      ...(chatty ? { onStage: (s: string) => io.stderr(`verify: ${s}\n`) } : {}),
    };
    if (opts.firstBoot) {
      const booted = await runFirstBootVerify(options);
      io.stdout(opts.json ? renderFirstBootJson(booted) : renderFirstBootText(booted));
      return firstBootPassed(booted) ? ExitCode.ok : ExitCode.gate;
    }
    const result = await runVerify(options);
    io.stdout(opts.json ? renderVerifyJson(result) : renderVerifyText(result));
    return verifyPassed(result) ? ExitCode.ok : ExitCode.gate;
  } finally {
    for (const loaded of policies.values()) loaded.runtime.dispose();
  }
}

export const registerVerify: RegisterCommand = (program: Command, io, setExit) => {
  program
    .command('verify')
    .summary("prove a plan against the package manager: a real install vs. the unpacked packages plus scriptlet's applied plan")
    .description(
      'Installs the packages (with Debian minbase) twice with mmdebstrap: once for real, dpkg running every maintainer ' +
        'script (services are kept from starting), and once unpacked with no script run. scriptlet then reads the same ' +
        '.deb files, classifies and plans their scripts, and applies the plan to the unpacked tree. The two results are ' +
        'compared: users and groups, enabled units, rc links, alternatives, statoverrides and every file under /etc and ' +
        '/var. Each difference must be explained by a step the plan defers to first boot (named with its reason); any ' +
        'other difference fails (exit 1). Both trees are cached by package set. mmdebstrap runs in its auto mode: as ' +
        'root it uses chroot; as a user it needs /etc/subuid and /etc/subgid entries (unshare mode) or fakechroot. It ' +
        "uses mmdebstrap's default mirror (deb.debian.org, with updates and security for stable suites) unless --mirror is given. " +
        'With --first-boot the deferred steps are run too: the image a build would leave (staged files, deferred plan, ' +
        'guest agent) is unpacked once more and the guest agent runs in it; the result must match the reference except ' +
        "for per-machine state (host keys, random seeds), scriptlet's own files, the order of dynamic ids and of /etc/shells' lines, and every " +
        'step must succeed (a failed step is shown with the end of its log).',
    )
    .argument('<packages...>', 'Debian package names (optionally name=version)')
    .option('--suite <name>', 'Debian suite or codename', 'bookworm')
    .option('--mirror <url-or-line>', 'mirror for mmdebstrap (repeatable): a URL, a "deb ..." line or a sources file', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--first-boot', 'also run the deferred steps with the guest agent, as the first boot of an appliance does, and compare that result')
    .option('--keep <dir>', 'keep the unpacked image with the plan applied (owners in staged-owners.json) and the plan in this directory; with --first-boot, overlay.tar and first-boot.tar')
    .option('--cache-dir <dir>', 'where reference installs are cached (default: $SCRIPTLET_CACHE/verify or ~/.cache/scriptlet/verify)')
    .option('--policy <file|name>', 'policy to classify the scripts with (default: debian)')
    .option('--json', 'print the result as JSON')
    .option('-q, --quiet', 'no progress messages')
    .action(async (packages: string[], opts: VerifyCliOptions) => {
      setExit(await runVerifyCommand(packages, opts, io));
    });
};
