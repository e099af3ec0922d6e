import { runExample } from '../__testUtils__/actionContext';
import { createNamespaceEnvironmentAction } from './createNamespaceEnvironment';
import { examples } from './createNamespaceEnvironment.examples';

describe('env:create-namespace examples', () => {
  it.each(examples.map(e => [e.description, e] as const))(
    '%s',
    async (_description, example) => {
      const { input, body, outputs } = await runExample(
        createNamespaceEnvironmentAction,
        example,
        fake => {
          fake.outputs = { namespace: 'envkit-ns-1', cluster: 'dev', endpoint: '' };
        },
      );
      expect(body?.templateRef).toBe('dev-namespace');
      const { quotaSize, image, containerPort } = input;
      // Leaves out what the example leaves out.
      expect(body?.inputs).toEqual(
        JSON.parse(JSON.stringify({ quotaSize, image, containerPort })),
      );
      expect(body?.owner).toBe(input.owner ?? 'user:default/alice');
      expect(outputs).toMatchObject({ namespace: 'envkit-ns-1', cluster: 'dev' });
      expect(outputs.endpoint).toBeUndefined();
    },
  );
});
