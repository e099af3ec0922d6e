import { runExample } from '../__testUtils__/actionContext';
import { createEcsEnvironmentAction } from './createEcsEnvironment';
import { examples } from './createEcsEnvironment.examples';

describe('env:create-ecs examples', () => {
  it.each(examples.map(e => [e.description, e] as const))(
    '%s',
    async (_description, example) => {
      const { input, body, outputs } = await runExample(
        createEcsEnvironmentAction,
        example,
      );
      expect(body?.templateRef).toBe(input.templateRef ?? 'ecs-web-service');
      expect(body?.inputs).toEqual({
        ...input.inputs,
        imageLocation: input.imageLocation,
        containerPort: input.containerPort,
      });
      expect(outputs.endpoint).toBe('http://fake-alb.sandbox.local');
      expect(outputs.phase).toBe('Ready');
    },
  );
});
