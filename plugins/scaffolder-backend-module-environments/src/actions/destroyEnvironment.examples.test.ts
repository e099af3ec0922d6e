import yaml from 'yaml';
import { environmentsServiceMock } from '@envkit/plugin-environments-node/testUtils';
import { testContext } from '../__testUtils__/actionContext';
import { destroyEnvironmentAction } from './destroyEnvironment';
import { examples } from './destroyEnvironment.examples';

describe('env:destroy examples', () => {
  it.each(examples.map(e => [e.description, e] as const))(
    '%s',
    async (_description, example) => {
      const fake = environmentsServiceMock();
      const made = fake.add({
        name: 'storefront-pr-42',
        templateRef: 'ecs-web-service',
      });
      const step = yaml.parse(example.example).steps[0];
      // The first example refers to an earlier step's output.
      const input = { ...step.input };
      if (input.environmentId) input.environmentId = made.id;
      const action = destroyEnvironmentAction({
        environments: fake,
        pollIntervalMs: 1,
      });
      const { ctx, outputs } = testContext(input);

      await action.handler(ctx as any);

      expect(
        fake.calls
          .filter(c => c.operation === 'deleteEnvironment')
          .map(c => c.target),
      ).toEqual([made.id]);
      expect(outputs).toEqual({ environmentId: made.id, phase: 'Destroyed' });
    },
  );
});
