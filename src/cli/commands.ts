import type { Command } from 'commander';
import type { CliIo } from './io.js';
import { registerAudit } from './audit-command.js';
import { registerBoot } from './boot-command.js';
import { registerBuild } from './build-command.js';
import { registerPlan } from './plan-command.js';
import { registerPolicy } from './policy-command.js';
import { registerTrace } from './trace-command.js';
import { registerVerify } from './verify-command.js';
import { registerPrepare } from './prepare-command.js';

/** A subcommand adds itself to the program; `setExit` records a non-error exit code (e.g. a gate). */
export type RegisterCommand = (program: Command, io: CliIo, setExit: (code: number) => void) => void;

/** Explicit registration: every subcommand is listed here, nothing is discovered at run time. */
export const commands: RegisterCommand[] = [registerAudit, registerPolicy, registerPlan, registerPrepare, registerBuild, registerBoot, registerTrace, registerVerify];
