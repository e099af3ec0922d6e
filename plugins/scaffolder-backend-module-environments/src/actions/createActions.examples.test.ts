import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { FakeEnvironmentsService } from '@envkit/plugin-environments-node/testUtils';
import { runExample } from '../__testUtils__/actionContext';
import { createEcsEnvironmentAction } from './createEcsEnvironment';
import { examples as ecsExamples } from './createEcsEnvironment.examples';
import { createEnvironmentAction } from './createEnvironment';
import { examples as genericExamples } from './createEnvironment.examples';
import { createNamespaceEnvironmentAction } from './createNamespaceEnvironment';
import { examples as namespaceExamples } from './createNamespaceEnvironment.examples';

type Result = Awaited<ReturnType<typeof runExample>>;

/** Each create action, its documented examples, and what each must do. */
const suites: Array<{
  id: string;
  action: Parameters<typeof runExample>[0];
  examples: TemplateExample[];
  prepare?: (fake: FakeEnvironmentsService) => void;
  check: (result: Result) => void;
}> = [
  {
    id: 'env:create-ecs',
    action: createEcsEnvironmentAction,
    examples: ecsExamples,
    check: ({ input, body, outputs }) => {
      expect(body?.templateRef).toBe(input.templateRef ?? 'ecs-web-service');
      expect(body?.inputs).toEqual({
        ...input.inputs,
        imageLocation: input.imageLocation,
        containerPort: input.containerPort,
      });
      expect(outputs.endpoint).toBe('http://fake-alb.sandbox.local');
      expect(outputs.phase).toBe('Ready');
    },
  },
  {
    id: 'env:create',
    action: createEnvironmentAction,
    examples: genericExamples,
    check: ({ input, body, outputs }) => {
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
  },
  {
    id: 'env:create-namespace',
    action: createNamespaceEnvironmentAction,
    examples: namespaceExamples,
    prepare: fake => {
      fake.outputs = { namespace: 'envkit-ns-1', cluster: 'dev', endpoint: '' };
    },
    check: ({ input, body, outputs }) => {
      expect(body?.templateRef).toBe('dev-namespace');
      const { quotaSize, image, containerPort } = input;
      // Leaves out what the example leaves out.
      expect(body?.inputs).toEqual(
        JSON.parse(JSON.stringify({ quotaSize, image, containerPort })),
      );
      expect(body?.owner).toBe(input.owner ?? 'user:default/alice');
      expect(outputs).toMatchObject({
        namespace: 'envkit-ns-1',
        cluster: 'dev',
      });
      expect(outputs.endpoint).toBeUndefined();
    },
  },
];

describe.each(suites)('$id examples', suite => {
  it.each(suite.examples.map(e => [e.description, e] as const))(
    '%s',
    async (_description, example) => {
      expect.hasAssertions();
      suite.check(await runExample(suite.action, example, suite.prepare));
    },
  );
});
