import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { examples } from './createEcsEnvironment.examples';
import { createOutputs, optionalText, workloadInputs } from './inputs';
import { EnvironmentActionOptions, runWorkloadCreate } from './runCreate';

/** The EnvironmentTemplate `env:create-ecs` uses unless told otherwise. @public */
export const DEFAULT_ECS_TEMPLATE = 'ecs-web-service';

/**
 * `env:create-ecs`: creates a web service on ECS from an ECS
 * EnvironmentTemplate, `ecs-web-service` by default.
 *
 * @public
 */
export function createEcsEnvironmentAction(options: EnvironmentActionOptions) {
  return createTemplateAction({
    id: 'env:create-ecs',
    description:
      'Creates an Envkit ECS environment (a container service behind a load balancer) for the user running the template, and waits until it is Ready',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        ...workloadInputs(DEFAULT_ECS_TEMPLATE),
        imageLocation: optionalText(
          'Container image to run, e.g. public.ecr.aws/nginx/nginx:1.27 (the template input imageLocation)',
        ),
      },
      output: createOutputs,
    },
    async handler(ctx) {
      const { imageLocation, containerPort, ...rest } = ctx.input;
      await runWorkloadCreate(
        ctx,
        rest,
        { imageLocation, containerPort },
        DEFAULT_ECS_TEMPLATE,
        options,
      );
    },
  });
}
