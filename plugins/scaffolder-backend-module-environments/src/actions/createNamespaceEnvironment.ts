import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { examples } from './createNamespaceEnvironment.examples';
import {
  containerPortInput,
  createOutputs,
  requestInputs,
  templateRefWithDefault,
  withNamedInputs,
} from './inputs';
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
        containerPort: containerPortInput,
      },
      output: createOutputs,
    },
    async handler(ctx) {
      const { quotaSize, image, containerPort, ...rest } = ctx.input;
      const inputs = withNamedInputs(rest.inputs, {
        quotaSize,
        image,
        containerPort,
      });
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
