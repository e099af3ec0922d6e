import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { examples } from './createNamespaceEnvironment.examples';
import { createOutputs, optionalText, workloadInputs } from './inputs';
import { EnvironmentActionOptions, runWorkloadCreate } from './runCreate';

/** The EnvironmentTemplate `env:create-namespace` uses unless told otherwise. @public */
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
        ...workloadInputs(DEFAULT_NAMESPACE_TEMPLATE),
        quotaSize: optionalText(
          'Size of the namespace quota, e.g. small, medium or large (the template input quotaSize)',
        ),
        image: optionalText(
          'Container image to run in the namespace (the template input image)',
        ),
      },
      output: createOutputs,
    },
    async handler(ctx) {
      const { quotaSize, image, containerPort, ...rest } = ctx.input;
      await runWorkloadCreate(
        ctx,
        rest,
        { quotaSize, image, containerPort },
        DEFAULT_NAMESPACE_TEMPLATE,
        options,
      );
    },
  });
}
