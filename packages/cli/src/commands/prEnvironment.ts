import { Command } from 'commander';
import { parseEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import {
  Environment,
  EnvironmentsRestApi,
} from '@envkit/plugin-environments-common';
import { findByName } from '../client';
import { CommandContext } from '../context';
import { badInput, ExitCode } from '../exitCodes';
import { deployImage, imageInputOf } from '../imageInput';
import { collect, gatherInputs } from '../inputs';
import { printEnvironment } from '../output';
import { commentBody, PrEnvironmentChange } from '../prEnvironment/comment';
import {
  PullRequestEvent,
  readPullRequestEvent,
} from '../prEnvironment/githubEvent';
import {
  appendStepSummary,
  writeStepOutputs,
} from '../prEnvironment/githubOutput';
import { environmentView } from '../views';
import { currentEventKeys } from '../wait';
import {
  addWaitTimingFlags,
  waitUntil,
  WaitError,
  WaitFlags,
} from './waitFlags';

interface PrFlags extends Omit<WaitFlags, 'wait'> {
  template: string;
  image?: string;
  imageInput?: string;
  owner?: string;
  component?: string;
  input?: string[];
  inputsFile?: string;
  ttl?: string;
  namePrefix: string;
}

const DEPLOY_ACTIONS = ['opened', 'synchronize', 'reopened'];

export function registerPrEnvironment(program: Command, ctx: CommandContext) {
  addWaitTimingFlags(
    program
      .command('pr-environment')
      .description(
        'For a GitHub pull_request event (GITHUB_EVENT_NAME, GITHUB_EVENT_PATH): create or redeploy pr-<number> on opened, synchronize and reopened, destroy it on closed; step outputs go to GITHUB_OUTPUT',
      )
      .requiredOption('-t, --template <ref>', 'EnvironmentTemplate ref')
      .option('--image <image>', 'the image the workflow built for this commit')
      .option(
        '--image-input <name>',
        "the template input holding the image (found from the template's inputs when left out)",
      )
      .option(
        '--owner <ref>',
        'owner entity ref, e.g. group:default/team-a (required for CI tokens)',
      )
      .option('--component <ref>', 'the Component entity ref it is for')
      .option('-i, --input <key=value>', 'another input; repeatable', collect)
      .option('-f, --inputs-file <file>', 'inputs from a YAML or JSON mapping')
      .option('--ttl <duration>', 'ISO-8601 lifetime, e.g. P3D')
      .option(
        '--name-prefix <prefix>',
        'the environment is <prefix><number>',
        'pr-',
      ),
  ).action(async (flags: PrFlags) => {
    const event = await readPullRequestEvent(ctx.io);
    const name = `${flags.namePrefix}${event.number}`;
    const client = await ctx.client();
    if (event.action === 'closed') {
      await closePr(ctx, client, event, name, flags);
    } else if (DEPLOY_ACTIONS.includes(event.action)) {
      await deployPr(ctx, client, event, name, flags);
    } else {
      ctx.progress(
        `Nothing to do for pull_request '${event.action}'; only opened, synchronize, reopened and closed change ${name}`,
      );
    }
  });
}

async function report(
  ctx: CommandContext,
  event: PullRequestEvent,
  name: string,
  change: PrEnvironmentChange,
  options: { environment?: Environment; image?: string; detail?: string },
) {
  const view = options.environment
    ? environmentView(options.environment)
    : undefined;
  const comment = commentBody({
    name,
    change,
    environment: view,
    image: options.image,
    headSha: event.headSha,
    detail: options.detail,
  });
  await writeStepOutputs(ctx.io, {
    'environment-name': name,
    'environment-id': view?.id ?? '',
    endpoint: view?.endpoint ?? '',
    phase: view?.phase ?? '',
    change,
    'comment-body': comment,
  });
  // The same Markdown on the workflow run's summary page.
  await appendStepSummary(ctx.io, comment);
  if (view) printEnvironment(ctx.io, ctx.format(), view);
}

/** `owner/name` of a template ref for `GET /templates/{namespace}/{name}`. */
async function templateParameters(client: EnvironmentsRestApi, ref: string) {
  let parsed;
  try {
    parsed = parseEntityRef(ref, {
      defaultKind: 'environmenttemplate',
      defaultNamespace: 'default',
    });
  } catch (error) {
    throw badInput(`--template: ${(error as Error).message}`);
  }
  const summary = await client.getTemplate(parsed.namespace, parsed.name);
  return summary.entity.spec.parameters;
}

async function deployPr(
  ctx: CommandContext,
  client: EnvironmentsRestApi,
  event: PullRequestEvent,
  name: string,
  flags: PrFlags,
) {
  const inputs = await gatherInputs(ctx.io.cwd, flags);
  let existing = await findByName(client, name);
  let environment: Environment | undefined;
  let change: PrEnvironmentChange = 'created';
  let seen = new Set<string>();

  if (!existing) {
    const imageInputs =
      flags.image !== undefined
        ? {
            [imageInputOf(
              await templateParameters(client, flags.template),
              flags.imageInput,
            )]: flags.image,
          }
        : {};
    try {
      environment = await client.createEnvironment(
        {
          name,
          templateRef: flags.template,
          inputs: { ...inputs, ...imageInputs },
          ...(flags.owner ? { owner: flags.owner } : {}),
          ...(flags.component ? { component: flags.component } : {}),
          ...(flags.ttl ? { ttl: flags.ttl } : {}),
        },
        {
          // A re-run of this workflow run retries the same create.
          idempotencyKey: `github:${event.repository ?? ''}#${event.number}@${
            event.headSha
          }/${ctx.io.env.GITHUB_RUN_ID ?? ''}`,
        },
      );
      ctx.progress(`Creating ${name} from ${flags.template}`);
    } catch (error) {
      // Another run for this pull request made it first: deploy to it.
      if (!(ResponseError.is(error) && error.statusCode === 409)) throw error;
      existing = await findByName(client, name);
      if (!existing) throw error;
    }
  }
  if (existing) {
    seen = await currentEventKeys(client, existing.id);
    const deployed = await deployImage(client, existing, {
      image: flags.image,
      imageInput: flags.imageInput,
      inputs,
    });
    environment = deployed.environment;
    change = deployed.change;
    ctx.progress(`Environment '${name}' ${change}`);
  }

  try {
    const ready = await waitUntil(
      ctx,
      client,
      environment!,
      { ...flags, until: 'Ready' },
      seen,
    );
    await report(ctx, event, name, change, {
      environment: ready,
      image: flags.image,
    });
  } catch (error) {
    if (error instanceof WaitError) {
      await report(
        ctx,
        event,
        name,
        error.exitCode === ExitCode.timedOut ? 'timed-out' : 'failed',
        {
          environment: error.environment,
          image: flags.image,
          detail: error.message,
        },
      );
    }
    throw error;
  }
}

async function closePr(
  ctx: CommandContext,
  client: EnvironmentsRestApi,
  event: PullRequestEvent,
  name: string,
  flags: PrFlags,
) {
  const existing = await findByName(client, name);
  if (!existing) {
    ctx.progress(`No environment '${name}'; nothing to destroy`);
    await report(ctx, event, name, 'absent', {});
    return;
  }
  const seen = await currentEventKeys(client, existing.id);
  const destroying = await client.destroyEnvironment(existing.id);
  ctx.progress(`Destroying ${name}`);
  const gone = await waitUntil(
    ctx,
    client,
    destroying,
    { ...flags, until: 'Destroyed' },
    seen,
  );
  await report(ctx, event, name, 'destroyed', { environment: gone });
}
