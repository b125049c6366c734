/** Runs the scriptlet CLI in a child process (e.g. as another user through setpriv). */
import { main } from '../../src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
