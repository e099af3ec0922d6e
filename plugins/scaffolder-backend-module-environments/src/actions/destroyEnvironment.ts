import { InputError, NotFoundError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  MAX_PAGE_SIZE,
  type EnvironmentSummary,
} from '@envkit/plugin-environments-common';
import type { EnvironmentsService } from '@envkit/plugin-environments-node';
import { examples } from './destroyEnvironment.examples';
import { DEFAULT_TIMEOUT_MINUTES } from './inputs';
import { EnvironmentActionOptions } from './runCreate';
import { failingInWords } from './taskFailure';
import {
  DEFAULT_POLL_INTERVAL_MS,
  waitForEnvironment,
} from './waitForEnvironment';

/** The live (not Destroyed) environment called `name`, if the caller may see it. */
async function findByName(
  environments: EnvironmentsService,
  name: string,
  credentials: BackstageCredentials,
): Promise<EnvironmentSummary | undefined> {
  let cursor: string | undefined;
  do {
    const page = await environments.listEnvironments(
      { limit: MAX_PAGE_SIZE, cursor },
      { credentials },
    );
    const match = page.items.find(
      e => e.spec.name === name && e.status.phase !== 'Destroyed',
    );
    if (match) return match;
    cursor = page.nextCursor;
  } while (cursor);
  return undefined;
}

/**
 * `env:destroy`: destroys an environment, by id or by name, with the
 * permissions of the user running the template.
 *
 * @public
 */
export function destroyEnvironmentAction(options: EnvironmentActionOptions) {
  const { environments } = options;
  return createTemplateAction({
    id: 'env:destroy',
    description:
      'Destroys an Envkit environment on behalf of the user running the template, and waits until it is gone',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        environmentId: z =>
          z.string().optional().describe('Id of the environment to destroy'),
        name: z =>
          z
            .string()
            .optional()
            .describe(
              'Name of the environment to destroy, when no environmentId is given',
            ),
        wait: z =>
          z
            .boolean()
            .optional()
            .describe('Wait until the environment is Destroyed (default true)'),
        timeoutMinutes: z =>
          z
            .number()
            .int()
            .positive()
            .optional()
            .describe(
              `How long to wait before failing the step (default ${DEFAULT_TIMEOUT_MINUTES})`,
            ),
      },
      output: {
        environmentId: z => z.string().describe('Id of the environment'),
        phase: z =>
          z.string().describe('Phase when the step ended, e.g. Destroyed'),
      },
    },
    async handler(ctx) {
      await failingInWords(async () => {
        const { environmentId, name } = ctx.input;
        if (!environmentId && !name) {
          throw new InputError(
            'environmentId or name: one of them is required',
          );
        }
        const credentials = await ctx.getInitiatorCredentials();

        const lookup = async (): Promise<EnvironmentSummary> => {
          if (environmentId) {
            return environments.getEnvironment(environmentId, { credentials });
          }
          const found = await findByName(environments, name!, credentials);
          if (!found) {
            throw new NotFoundError(
              `No live environment called '${name}' that you may see`,
            );
          }
          return found;
        };

        if (ctx.isDryRun) {
          const target = await lookup();
          ctx.logger.info(
            `Dry run: would destroy '${target.spec.name}' (${target.id}), now ${target.status.phase}`,
          );
          ctx.output('environmentId', target.id);
          ctx.output('phase', target.status.phase);
          return;
        }

        const id = await ctx.checkpoint({
          key: `envkit.destroy.${ctx.step?.id ?? 'step'}.${
            environmentId ?? name
          }`,
          fn: async () => {
            const target = await lookup();
            await environments.deleteEnvironment(target.id, { credentials });
            return target.id;
          },
        });
        ctx.logger.info(`Destruction of environment ${id} requested`);

        let phase: string;
        if (ctx.input.wait === false) {
          phase = (await environments.getEnvironment(id, { credentials }))
            .status.phase;
        } else {
          try {
            const done = await waitForEnvironment({
              environments,
              credentials,
              id,
              until: 'Destroyed',
              logger: ctx.logger,
              timeoutMs:
                (ctx.input.timeoutMinutes ?? DEFAULT_TIMEOUT_MINUTES) * 60_000,
              pollIntervalMs:
                options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
              signal: ctx.signal,
            });
            phase = done.status.phase;
          } catch (error) {
            // An environment that is no longer found is as gone as it gets.
            if ((error as Error).name !== NotFoundError.name) throw error;
            phase = 'Destroyed';
          }
        }
        ctx.output('environmentId', id);
        ctx.output('phase', phase);
      });
    },
  });
}
