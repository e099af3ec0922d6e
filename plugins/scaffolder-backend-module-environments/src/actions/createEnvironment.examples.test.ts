import yaml from 'yaml';
import { environmentsServiceMock } from '@envkit/plugin-environments-node/testUtils';
import { testContext } from '../__testUtils__/actionContext';
import { createEnvironmentAction } from './createEnvironment';
import { examples } from './createEnvironment.examples';

describe('env:create examples', () => {
  it.each(examples.map(e => [e.description, e] as const))(
    '%s',
    async (_description, example) => {
      const fake = environmentsServiceMock();
      const action = createEnvironmentAction({
        environments: fake,
        pollIntervalMs: 1,
      });
      const step = yaml.parse(example.example).steps[0];
      const { ctx, outputs } = testContext(step.input);

      await action.handler(ctx as any);

      const [create] = fake.creates();
      expect(create.body).toMatchObject({
        name: step.input.name,
        templateRef: step.input.templateRef,
        inputs: step.input.inputs,
      });
      expect(create.body?.owner).toBe(step.input.owner ?? 'user:default/alice');
      expect(outputs.entityRef).toBe(`resource:default/${step.input.name}`);
      expect(outputs.phase).toBe(
        step.input.wait === false ? 'Provisioning' : 'Ready',
      );
    },
  );
});
