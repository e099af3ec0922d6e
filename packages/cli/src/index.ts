/**
 * envkitctl, the Envkit command-line client.
 *
 * @packageDocumentation
 */
import { processIo } from './io';
import { main } from './program';

export { main } from './program';
export type { CliIo } from './io';
export { ExitCode } from './exitCodes';

/** Runs envkitctl on this process's arguments and sets its exit code. */
export function runCli(): void {
  main(process.argv.slice(2), processIo()).then(code => {
    process.exitCode = code;
  });
}
