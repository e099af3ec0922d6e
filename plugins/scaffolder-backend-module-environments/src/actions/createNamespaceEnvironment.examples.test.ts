import yaml from 'yaml';
import { environmentsServiceMock } from '@envkit/plugin-environments-node/testUtils';
import { testContext } from '../__testUtils__/actionContext';
import { createNamespaceEnvironmentAction } from './createNamespaceEnvironment';
import { examples } from './createNamespaceEnvironment.examples';

describe('env:create-namespace examples', () => {
  it.each(examples.map(e => [e.description, e] as const))(
    '%s',
    async (_description, example) => {
      const fake = environmentsServiceMock();
      fake.outputs = { namespace: 'envkit-ns-1', cluster: 'dev', endpoint: '' };
      const action = createNamespaceEnvironmentAction({
        environments: fake,
        pollIntervalMs: 1,
      });
      const step = yaml.parse(example.example).steps[0];
      const { ctx, outputs } = testContext(step.input);

      await action.handler(ctx as any);

      const [create] = fake.creates();
      expect(create.body?.templateRef).toBe('dev-namespace');
      const { quotaSize, image, containerPort } = step.input;
      expect(create.body?.inputs).toEqual(
        JSON.parse(JSON.stringify({ quotaSize, image, containerPort })),
      );
      expect(create.body?.owner).toBe(step.input.owner ?? 'user:default/alice');
      expect(outputs).toMatchObject({
        namespace: 'envkit-ns-1',
        cluster: 'dev',
      });
      expect(outputs.endpoint).toBeUndefined();
    },
  );
});
