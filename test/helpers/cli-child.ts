/**
 * Runs the scriptlet CLI in a child process (argv after the script), for tests that need it to run
 * as another user: `tsChildArgv(cliChildScript)` plus the arguments.
 */
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';

export const cliChildScript = fileURLToPath(import.meta.url);

if (process.argv[1] === cliChildScript) {
  process.exitCode = await main(process.argv.slice(2));
}
