import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { examples } from './createEnvironment.examples';
import { createOutputs, requestInputs, requiredTemplateRef } from './inputs';
import { EnvironmentActionOptions, runCreate } from './runCreate';

/**
 * `env:create`: creates an environment from any EnvironmentTemplate, on
 * behalf of the user running the template.
 *
 * @public
 */
export function createEnvironmentAction(options: EnvironmentActionOptions) {
  return createTemplateAction({
    id: 'env:create',
    description:
      'Creates an Envkit environment from an EnvironmentTemplate for the user running the template, and waits until it is Ready',
    examples,
    supportsDryRun: true,
    schema: {
      input: { ...requestInputs(), templateRef: requiredTemplateRef },
      output: createOutputs,
    },
    async handler(ctx) {
      await runCreate(
        ctx,
        { ...ctx.input, inputs: ctx.input.inputs ?? {} },
        options,
      );
    },
  });
}
