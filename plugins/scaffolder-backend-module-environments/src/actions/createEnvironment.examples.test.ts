import { runExample } from '../__testUtils__/actionContext';
import { createEnvironmentAction } from './createEnvironment';
import { examples } from './createEnvironment.examples';

describe('env:create examples', () => {
  it.each(examples.map(e => [e.description, e] as const))(
    '%s',
    async (_description, example) => {
      const { input, body, outputs } = await runExample(
        createEnvironmentAction,
        example,
      );
      expect(body).toMatchObject({
        name: input.name,
        templateRef: input.templateRef,
        inputs: input.inputs,
        owner: input.owner ?? 'user:default/alice',
      });
      expect(outputs.entityRef).toBe(`resource:default/${input.name}`);
      expect(outputs.phase).toBe(
        input.wait === false ? 'Provisioning' : 'Ready',
      );
    },
  );
});
