import { Command, Option } from 'commander';
import { resolveEnvironment } from '../client';
import { CommandContext } from '../context';
import { badInput } from '../exitCodes';
import {
  printEnvironment,
  printEnvironmentList,
  printKeyValues,
} from '../output';
import { environmentView } from '../views';
import { addWaitTimingFlags, finish, WaitFlags } from './waitFlags';

export function registerReads(program: Command, ctx: CommandContext) {
  program
    .command('get')
    .description('Show an environment')
    .argument('<environment>', 'name or id')
    .action(async (idOrName: string) => {
      const client = await ctx.client();
      const environment = await resolveEnvironment(client, idOrName);
      printEnvironment(ctx.io, ctx.format(), environmentView(environment));
    });

  program
    .command('list')
    .description('List the environments you can see, newest first')
    .option('--owner <ref>', 'only this owner, e.g. group:default/team-a')
    .option('--template <ref>', 'only from this template (full ref)')
    .option('--component <ref>', 'only for this Component (full ref)')
    .option('--phase <phase>', 'only in this phase; Destroyed lists those too')
    .action(
      async (filters: {
        owner?: string;
        template?: string;
        component?: string;
        phase?: string;
      }) => {
        const client = await ctx.client();
        const items = [];
        let cursor: string | undefined;
        do {
          const page = await client.listEnvironments({
            ...filters,
            phase: filters.phase as any,
            limit: 1000,
            cursor,
          });
          items.push(...page.items);
          cursor = page.nextCursor;
        } while (cursor);
        printEnvironmentList(ctx.io, ctx.format(), items.map(environmentView));
      },
    );

  addWaitTimingFlags(
    program
      .command('wait')
      .description(
        'Wait until an environment is Ready at its latest change (or destroyed), printing progress',
      )
      .argument('<environment>', 'name or id')
      .addOption(
        new Option('--for <state>', 'what to wait for')
          .choices(['ready', 'destroyed'])
          .default('ready'),
      ),
  ).action(
    async (
      idOrName: string,
      flags: Omit<WaitFlags, 'wait'> & { for: 'ready' | 'destroyed' },
    ) => {
      const client = await ctx.client();
      const environment = await resolveEnvironment(client, idOrName);
      await finish(ctx, client, environment, {
        ...flags,
        wait: true,
        until: flags.for === 'ready' ? 'Ready' : 'Destroyed',
      });
    },
  );

  program
    .command('outputs')
    .description("Print an environment's outputs, e.g. its endpoint")
    .argument('<environment>', 'name or id')
    .argument('[key]', 'print only this output, as plain text')
    .action(async (idOrName: string, key?: string) => {
      const client = await ctx.client();
      const environment = await resolveEnvironment(client, idOrName);
      const outputs = environment.status.outputs ?? {};
      if (key === undefined) {
        printKeyValues(ctx.io, ctx.format(), outputs);
        return;
      }
      if (!(key in outputs)) {
        throw badInput(
          `key: '${environment.spec.name}' has no output '${key}'; it has ${
            Object.keys(outputs).join(', ') || 'none yet'
          }`,
        );
      }
      ctx.io.stdout(
        ctx.format() === 'json'
          ? `${JSON.stringify(outputs[key])}\n`
          : `${outputs[key]}\n`,
      );
    });
}
