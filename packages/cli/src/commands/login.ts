import { Command } from 'commander';
import { createClient } from '../client';
import { CommandContext } from '../context';
import { badInput } from '../exitCodes';
import { normalizeUrl, saveSettings, settingsPath } from '../settings';

export function registerLogin(program: Command, ctx: CommandContext) {
  program
    .command('login')
    .description(
      'Check --url and --token (or ENVKIT_URL, ENVKIT_TOKEN, or a token on standard input), then save them (file mode 0600) for later commands',
    )
    .action(async () => {
      const { io } = ctx;
      // The global --url, --token and --config flags.
      const flags = program.opts<{
        url?: string;
        token?: string;
        config?: string;
      }>();
      const given = flags.url ?? io.env.ENVKIT_URL;
      if (!given) {
        throw badInput(
          "--url: required, the backend's base URL, e.g. https://backstage.example.com",
        );
      }
      const url = normalizeUrl(given);
      const token =
        flags.token ?? io.env.ENVKIT_TOKEN ?? (await io.readStdin?.())?.trim();
      if (!token) {
        throw badInput(
          '--token: required; give it, set ENVKIT_TOKEN or pipe it in',
        );
      }
      // Any authenticated read proves the URL and the token; a caller the
      // policy grants nothing still gets an (empty) answer.
      await createClient({ url, token }).listEnvironments({ limit: 1 });
      const file = settingsPath(io, flags.config);
      await saveSettings(file, { url, token });
      ctx.progress(`Logged in to ${url}; saved in ${file}`);
    });
}
