import yaml from 'yaml';
import { environmentsServiceMock } from '@envkit/plugin-environments-node/testUtils';
import { testContext } from '../__testUtils__/actionContext';
import { createEcsEnvironmentAction } from './createEcsEnvironment';
import { examples } from './createEcsEnvironment.examples';

describe('env:create-ecs examples', () => {
  it.each(examples.map(e => [e.description, e] as const))(
    '%s',
    async (_description, example) => {
      const fake = environmentsServiceMock();
      const action = createEcsEnvironmentAction({
        environments: fake,
        pollIntervalMs: 1,
      });
      const step = yaml.parse(example.example).steps[0];
      const { ctx, outputs } = testContext(step.input);

      await action.handler(ctx as any);

      const [create] = fake.creates();
      expect(create.body?.templateRef).toBe(
        step.input.templateRef ?? 'ecs-web-service',
      );
      expect(create.body?.inputs).toEqual({
        ...step.input.inputs,
        imageLocation: step.input.imageLocation,
        containerPort: step.input.containerPort,
      });
      expect(outputs.endpoint).toBe('http://fake-alb.sandbox.local');
      expect(outputs.phase).toBe('Ready');
    },
  );
});
