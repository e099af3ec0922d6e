import { Command } from 'commander';
import { CommandContext } from '../context';
import { collect, gatherInputs } from '../inputs';
import { addWaitFlags, finish, WaitFlags } from './waitFlags';

interface CreateFlags extends WaitFlags {
  template: string;
  input?: string[];
  inputsFile?: string;
  owner?: string;
  component?: string;
  ttl?: string;
  idempotencyKey?: string;
}

export function registerCreate(program: Command, ctx: CommandContext) {
  addWaitFlags(
    program
      .command('create')
      .description('Create an environment from a template')
      .argument('<name>', 'the environment name, a DNS label of up to 20')
      .requiredOption(
        '-t, --template <ref>',
        'EnvironmentTemplate ref: name, namespace/name or full ref',
      )
      .option(
        '-i, --input <key=value>',
        'an input; repeat for more (wins over --inputs-file)',
        collect,
      )
      .option('-f, --inputs-file <file>', 'inputs from a YAML or JSON mapping')
      .option(
        '--owner <ref>',
        'owner entity ref, e.g. group:default/team-a (you when left out; required for CI tokens)',
      )
      .option('--component <ref>', 'the Component entity ref it is for')
      .option('--ttl <duration>', 'ISO-8601 lifetime, e.g. PT8H')
      .option(
        '--idempotency-key <key>',
        'retrying with the same key and flags returns the first environment instead of making another',
      ),
    'it is Ready',
  ).action(async (name: string, flags: CreateFlags) => {
    const client = await ctx.client();
    const inputs = await gatherInputs(ctx.io.cwd, flags);
    const environment = await client.createEnvironment(
      {
        name,
        templateRef: flags.template,
        inputs,
        ...(flags.owner ? { owner: flags.owner } : {}),
        ...(flags.component ? { component: flags.component } : {}),
        ...(flags.ttl ? { ttl: flags.ttl } : {}),
      },
      { idempotencyKey: flags.idempotencyKey },
    );
    // A new environment's whole timeline is news.
    await finish(
      ctx,
      client,
      environment,
      { ...flags, until: 'Ready' },
      new Set(),
    );
  });
}
