import { Command } from 'commander';
import { CommandContext } from '../context';
import { printTemplates } from '../output';
import { templateView } from '../views';

export function registerTemplates(program: Command, ctx: CommandContext) {
  program
    .command('templates')
    .description(
      'List the environment templates, their versions and inputs (* required)',
    )
    .action(async () => {
      const client = await ctx.client();
      const templates = await client.listTemplates();
      printTemplates(ctx.io, ctx.format(), templates.map(templateView));
    });
}
