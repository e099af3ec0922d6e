import { Command } from 'commander';
import {
  Environment,
  EnvironmentsRestApi,
} from '@envkit/plugin-environments-common';
import { resolveEnvironment } from '../client';
import { CommandContext } from '../context';
import { deployImage } from '../imageInput';
import { printEnvironment } from '../output';
import { environmentView } from '../views';
import { currentEventKeys } from '../wait';
import { addWaitFlags, finish, WaitFlags } from './waitFlags';

export function registerChanges(program: Command, ctx: CommandContext) {
  addWaitFlags(
    program
      .command('redeploy')
      .description(
        'Roll an environment out again; with --image, run that image (a changed image input is a new generation that rolls out by itself)',
      )
      .argument('<environment>', 'name or id')
      .option('--image <image>', 'the container image to run')
      .option(
        '--image-input <name>',
        "the template input holding the image (found from the template's inputs when left out)",
      ),
    'the rollout is done',
  ).action(
    async (
      idOrName: string,
      flags: WaitFlags & { image?: string; imageInput?: string },
    ) => {
      const client = await ctx.client();
      const current = await resolveEnvironment(client, idOrName);
      const seen = await currentEventKeys(client, current.id);
      const { environment, change } = await deployImage(client, current, flags);
      ctx.progress(`Environment '${environment.spec.name}' ${change}`);
      await finish(
        ctx,
        client,
        environment,
        { ...flags, until: 'Ready' },
        seen,
      );
    },
  );

  program
    .command('extend')
    .description(
      "Move an environment's expiry to --ttl from now, within the template's maximum",
    )
    .argument('<environment>', 'name or id')
    .requiredOption('--ttl <duration>', 'ISO-8601 duration, e.g. PT8H or P2D')
    .action(async (idOrName: string, flags: { ttl: string }) => {
      const client = await ctx.client();
      const current = await resolveEnvironment(client, idOrName);
      const environment = await client.extendEnvironment(current.id, flags.ttl);
      printEnvironment(ctx.io, ctx.format(), environmentView(environment));
    });

  addWaitFlags(
    program
      .command('destroy')
      .description('Destroy an environment and everything it made')
      .argument('<environment>', 'name or id'),
    'everything is gone',
  ).action((idOrName: string, flags: WaitFlags) =>
    changeAndWait(
      ctx,
      idOrName,
      { ...flags, until: 'Destroyed' },
      (client, id) => client.destroyEnvironment(id),
    ),
  );

  addWaitFlags(
    program
      .command('retry')
      .description(
        "Apply a Failed or Degraded environment's latest change again",
      )
      .argument('<environment>', 'name or id'),
    'it is Ready',
  ).action((idOrName: string, flags: WaitFlags) =>
    changeAndWait(ctx, idOrName, { ...flags, until: 'Ready' }, (client, id) =>
      client.retryEnvironment(id),
    ),
  );
}

/**
 * Makes one change to the environment given by id or name, then waits as
 * `flags` say, reporting only the events the change brought.
 */
async function changeAndWait(
  ctx: CommandContext,
  idOrName: string,
  flags: WaitFlags & { until: 'Ready' | 'Destroyed' },
  change: (client: EnvironmentsRestApi, id: string) => Promise<Environment>,
) {
  const client = await ctx.client();
  const current = await resolveEnvironment(client, idOrName);
  const seen = await currentEventKeys(client, current.id);
  const environment = await change(client, current.id);
  await finish(ctx, client, environment, flags, seen);
}
