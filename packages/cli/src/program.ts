import { Command, CommanderError, Option } from 'commander';
import { registerChanges } from './commands/changes';
import { registerCreate } from './commands/create';
import { registerKubeconfig } from './commands/kubeconfig';
import { registerLogin } from './commands/login';
import { registerPrEnvironment } from './commands/prEnvironment';
import { registerReads } from './commands/read';
import { registerTemplates } from './commands/templates';
import { createContext } from './context';
import { describeFailure, ExitCode } from './exitCodes';
import { CliIo } from './io';
import { OUTPUT_FORMATS } from './output';

const { version } = require('../package.json');

function buildProgram(io: CliIo): Command {
  const program = new Command('envkitctl')
    .description(
      'Create, change and destroy Envkit environments from a terminal or CI. Exit codes: 0 ok, 1 error, 2 bad input, 3 not allowed, 4 environment failed, 5 timed out.',
    )
    .version(version)
    .addOption(
      new Option('-o, --output <format>', 'how to print results')
        .choices(OUTPUT_FORMATS)
        .default('table'),
    )
    .option('--url <url>', 'backend base URL (else ENVKIT_URL, else login)')
    .option(
      '--token <token>',
      'Backstage token (else ENVKIT_TOKEN, else login)',
    )
    .option(
      '--config <file>',
      'settings file (else ENVKIT_CONFIG, else ~/.config/envkit/config.json)',
    )
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: text => io.stdout(text),
      writeErr: text => io.stderr(text),
    });
  const ctx = createContext(program, io);
  registerLogin(program, ctx);
  registerTemplates(program, ctx);
  registerCreate(program, ctx);
  registerReads(program, ctx);
  registerChanges(program, ctx);
  registerKubeconfig(program, ctx);
  registerPrEnvironment(program, ctx);
  return program;
}

/** Runs envkitctl with `argv` (no node or script name); the exit code. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  if (argv.length === 0) {
    program.outputHelp();
    return ExitCode.badInput;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return ExitCode.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander printed its message (and help) already.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.badInput;
    }
    const { message, exitCode } = describeFailure(error);
    io.stderr(`error: ${message}\n`);
    return exitCode;
  }
}
