import yaml from 'yaml';
import { FakeEnvironments } from '../__testUtils__/FakeEnvironments';
import { fakeApi, testContext } from '../__testUtils__/actionContext';
import { destroyEnvironmentAction } from './destroyEnvironment';
import { examples } from './destroyEnvironment.examples';

describe('env:destroy examples', () => {
  it.each(examples.map(e => [e.description, e] as const))(
    '%s',
    async (_description, example) => {
      const fake = new FakeEnvironments();
      const made = fake.handle({
        method: 'POST',
        path: '/environments',
        headers: {},
        body: { name: 'storefront-pr-42', templateRef: 'ecs-web-service' },
      }).body as { id: string };
      const step = yaml.parse(example.example).steps[0];
      // The first example refers to an earlier step's output.
      const input = { ...step.input };
      if (input.environmentId) input.environmentId = made.id;
      const action = destroyEnvironmentAction({
        environments: fakeApi(fake),
        pollIntervalMs: 1,
      });
      const { ctx, outputs } = testContext(input);

      await action.handler(ctx as any);

      expect(
        fake.requests.filter(r => r.method === 'DELETE').map(r => r.path),
      ).toEqual([`/environments/${made.id}`]);
      expect(outputs).toEqual({ environmentId: made.id, phase: 'Destroyed' });
    },
  );
});
