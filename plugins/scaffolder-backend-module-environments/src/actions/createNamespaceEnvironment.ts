import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { examples } from './createNamespaceEnvironment.examples';
import { createOutputs, requestInputs, templateRefWithDefault } from './inputs';
import { EnvironmentActionOptions, runCreate } from './runCreate';

/** The EnvironmentTemplate `env:create-namespace` uses unless told otherwise. */
export const DEFAULT_NAMESPACE_TEMPLATE = 'dev-namespace';

/**
 * `env:create-namespace`: creates a Kubernetes namespace environment,
 * from `dev-namespace` by default.
 *
 * @public
 */
export function createNamespaceEnvironmentAction(
  options: EnvironmentActionOptions,
) {
  return createTemplateAction({
    id: 'env:create-namespace',
    description:
      'Creates an Envkit Kubernetes namespace environment for the user running the template, and waits until it is Ready',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        ...requestInputs(),
        templateRef: templateRefWithDefault(DEFAULT_NAMESPACE_TEMPLATE),
        quotaSize: z =>
          z
            .string()
            .optional()
            .describe(
              'Size of the namespace quota, e.g. small, medium or large (the template input quotaSize)',
            ),
        image: z =>
          z
            .string()
            .optional()
            .describe(
              'Container image to run in the namespace (the template input image)',
            ),
        containerPort: z =>
          z
            .number()
            .int()
            .optional()
            .describe(
              'Port the container listens on (the template input containerPort)',
            ),
      },
      output: createOutputs,
    },
    async handler(ctx) {
      const { quotaSize, image, containerPort, ...rest } = ctx.input;
      const inputs: Record<string, unknown> = { ...rest.inputs };
      if (quotaSize !== undefined) inputs.quotaSize = quotaSize;
      if (image !== undefined) inputs.image = image;
      if (containerPort !== undefined) inputs.containerPort = containerPort;
      await runCreate(
        ctx,
        {
          ...rest,
          templateRef: rest.templateRef || DEFAULT_NAMESPACE_TEMPLATE,
          inputs,
        },
        options,
      );
    },
  });
}
