import { Command } from 'commander';
import fs from 'node:fs';
import ms from 'ms';
import { resolveEnvironment } from '../client';
import { CommandContext } from '../context';
import { badInput } from '../exitCodes';
import { printJson, printKeyValues } from '../output';

/** The shortest token lifetime the API issues (TokenRequest's minimum). */
const MIN_EXPIRATION_SECONDS = 600;

export function registerKubeconfig(program: Command, ctx: CommandContext) {
  program
    .command('kubeconfig')
    .description(
      "A kubeconfig for a namespace environment's namespace, with a short-lived token for it alone (needs environment.access)",
    )
    .argument('<environment>', 'name or id')
    .option(
      '--file <path>',
      'write it to this file, readable by you only, instead of printing it',
    )
    .option(
      '--expiration <duration>',
      'how long the token lasts, e.g. 30m or 2h (at least 10m; the backend caps it)',
    )
    .action(
      async (
        idOrName: string,
        flags: { file?: string; expiration?: string },
      ) => {
        let expirationSeconds: number | undefined;
        if (flags.expiration !== undefined) {
          const millis = ms(flags.expiration as ms.StringValue);
          if (typeof millis !== 'number' || !Number.isFinite(millis)) {
            throw badInput(
              `expiration: '${flags.expiration}' is not a duration such as 30m or 2h`,
            );
          }
          expirationSeconds = Math.round(millis / 1000);
          if (expirationSeconds < MIN_EXPIRATION_SECONDS) {
            throw badInput('expiration: must be at least 10m');
          }
        }
        const client = await ctx.client();
        const environment = await resolveEnvironment(client, idOrName);
        const issued = await client.getEnvironmentKubeconfig(
          environment.id,
          expirationSeconds === undefined ? {} : { expirationSeconds },
        );
        if (!flags.file) {
          if (ctx.format() === 'json') printJson(ctx.io, issued);
          else ctx.io.stdout(issued.kubeconfig);
          return;
        }
        // Created readable by its owner only, and kept so if it existed.
        fs.writeFileSync(flags.file, issued.kubeconfig, { mode: 0o600 });
        fs.chmodSync(flags.file, 0o600);
        const { kubeconfig: _written, ...about } = issued;
        const summary = { ...about, file: flags.file };
        printKeyValues(ctx.io, ctx.format(), summary);
      },
    );
}
