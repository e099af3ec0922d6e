import fs from 'node:fs';
import path from 'node:path';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import yaml from 'yaml';
import {
  environmentsServiceMock,
  FakeEnvironmentsService,
} from '@envkit/plugin-environments-node/testUtils';
import {
  storefrontCreateRequest,
  storefrontEcsInput,
} from './__testUtils__/actionContext';
import { scaffolderModuleEnvironments } from './module';

const exampleTemplate = yaml.parse(
  fs.readFileSync(
    path.resolve(
      __dirname,
      '../../../examples/templates/create-ecs-environment.yaml',
    ),
    'utf8',
  ),
);

async function startScaffolder(fake: FakeEnvironmentsService) {
  const { server } = await startTestBackend({
    features: [
      scaffolderPlugin,
      scaffolderModuleEnvironments,
      environmentsServiceMock.factory(fake),
      catalogServiceMock.factory({
        entities: [
          {
            ...exampleTemplate,
            metadata: { ...exampleTemplate.metadata, namespace: 'default' },
          },
        ],
      }),
      mockServices.rootConfig.factory({
        data: { environments: { scaffolder: { pollIntervalSeconds: 0.05 } } },
      }),
    ],
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const base = `http://localhost:${port}/api/scaffolder/v2`;
  const headers = {
    'Content-Type': 'application/json',
    Authorization: mockCredentials.user.header('user:default/alice'),
  };

  function postTask(values: Record<string, unknown>) {
    return fetch(`${base}/tasks`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        templateRef: 'template:default/create-ecs-environment',
        values,
      }),
    });
  }

  async function runTask(values: Record<string, unknown>) {
    const created = await postTask(values);
    expect(created.status).toBe(201);
    const { id } = await created.json();
    for (let i = 0; i < 200; i++) {
      const task = await (
        await fetch(`${base}/tasks/${id}`, { headers })
      ).json();
      if (task.status === 'completed' || task.status === 'failed') {
        const events = await (
          await fetch(`${base}/tasks/${id}/events`, { headers })
        ).json();
        const log: string[] = events
          .filter((e: any) => e.type === 'log')
          .map((e: any) => String(e.body.message));
        const output = events.find((e: any) => e.type === 'completion')?.body
          .output;
        return { task, log, output };
      }
      await new Promise(resolve => setTimeout(resolve, 50));
    }
    throw new Error(`Task ${id} did not finish`);
  }

  async function actionIds(): Promise<string[]> {
    const actions = await (await fetch(`${base}/actions`, { headers })).json();
    return actions.map((a: { id: string }) => a.id);
  }

  return { runTask, postTask, actionIds };
}

describe('the example template on a real scaffolder', () => {
  it('offers the four env actions', async () => {
    const { actionIds } = await startScaffolder(environmentsServiceMock());

    expect(await actionIds()).toEqual(
      expect.arrayContaining([
        'env:create-ecs',
        'env:create-namespace',
        'env:create',
        'env:destroy',
      ]),
    );
  });

  it('creates an environment for the user and outputs its endpoint', async () => {
    const fake = environmentsServiceMock();
    const { runTask } = await startScaffolder(fake);

    const { task, log, output } = await runTask({
      name: 'storefront-pr-9',
      ...storefrontEcsInput,
      ttl: 'PT4H',
    });

    expect(task.status).toBe('completed');
    const [create] = fake.creates();
    expect(create.body).toEqual(
      storefrontCreateRequest('storefront-pr-9', { ttl: 'PT4H' }),
    );
    expect(create.idempotencyKey).toBe(
      `scaffolder:${task.id}:environment:storefront-pr-9`,
    );
    expect(fake.environments.size).toBe(1);
    const logged = (text: string) => log.some(line => line.includes(text));
    expect(logged('Creating environment storefront-pr-9')).toBe(true);
    expect(logged("Environment 'storefront-pr-9' is Provisioning")).toBe(true);
    expect(logged("Environment 'storefront-pr-9' is Ready")).toBe(true);
    expect(output.links).toEqual([
      { title: 'Open the service', url: 'http://fake-alb.sandbox.local' },
      {
        title: 'Environment in the catalog',
        icon: 'catalog',
        entityRef: 'resource:default/storefront-pr-9',
      },
    ]);
    // Every call was made for the user who ran the template, not the scaffolder.
    expect(new Set(fake.calls.map(c => c.caller))).toEqual(
      new Set(['user:default/alice']),
    );
  }, 60_000);

  it.each([
    ['a lifetime in words', { ttl: '8 hours' }],
    ['a lifetime above the maximum', { ttl: 'P30D' }],
    ['a port that is not a number', { containerPort: '80a' }],
    ['an image that is not a reference', { imageLocation: 'Not An Image' }],
    ['a name against the rules', { name: 'Shop' }],
  ])(
    'refuses %s before a task starts',
    async (_, bad) => {
      const fake = environmentsServiceMock();
      const { postTask } = await startScaffolder(fake);
      const res = await postTask({
        name: 'storefront-pr-9',
        ...storefrontEcsInput,
        ...bad,
      });
      expect(res.status).toBe(400);
      expect(fake.creates()).toHaveLength(0);
    },
    60_000,
  );

  it('fails a task in a sentence: no Node frames or file paths in its log', async () => {
    const fake = environmentsServiceMock();
    fake.failWith = {
      reason: 'StackRollbackComplete',
      message: 'The load balancer could not be created: quota exceeded',
    };
    const { runTask } = await startScaffolder(fake);
    const { task, log } = await runTask({
      name: 'storefront-pr-9',
      ...storefrontEcsInput,
    });
    expect(task.status).toBe('failed');
    expect(log).toContain(
      "Error: Environment 'storefront-pr-9' failed: The load balancer could not be created: quota exceeded (StackRollbackComplete)",
    );
    expect(log.join('\n')).not.toMatch(/\n\s+at |\.[jt]s:\d+|node_modules/);
  }, 60_000);

  it('finishes with a waiting-for-approval result and a link when the template requires approval', async () => {
    const fake = environmentsServiceMock({
      approvers: 'group:default/platform-team',
    });
    const { runTask } = await startScaffolder(fake);

    const { task, log, output } = await runTask({
      name: 'storefront-pr-11',
      imageLocation: 'public.ecr.aws/nginx/nginx:1.27',
    });

    expect(task.status).toBe('completed');
    expect(
      log.some(line =>
        line.includes(
          "Environment 'storefront-pr-11' is waiting for approval by a member of group:default/platform-team",
        ),
      ),
    ).toBe(true);
    expect(output.links).toContainEqual({
      title: 'Environment in the catalog',
      icon: 'catalog',
      entityRef: 'resource:default/storefront-pr-11',
    });
    expect(output.text[0].content).toMatch(
      /storefront-pr-11\*\* is AwaitingApproval/,
    );
    // It did not wait: one read after the create, no polling towards Ready.
    const [env] = [...fake.environments.values()];
    expect(env.status.phase).toBe('AwaitingApproval');
  }, 60_000);

  it('fails the task with the permission error in its log when the backend refuses', async () => {
    const fake = environmentsServiceMock();
    fake.denyCreate =
      "The environment template 'environmenttemplate:default/ecs-web-service' is limited to group:default/platform-team";
    const { runTask } = await startScaffolder(fake);

    const { task, log } = await runTask({
      name: 'storefront-pr-10',
      imageLocation: 'public.ecr.aws/nginx/nginx:1.27',
    });

    expect(task.status).toBe('failed');
    expect(
      log.some(line =>
        line.includes(
          "NotAllowedError: The environment template 'environmenttemplate:default/ecs-web-service' is limited to group:default/platform-team",
        ),
      ),
    ).toBe(true);
    expect(fake.environments.size).toBe(0);
  }, 60_000);
});
