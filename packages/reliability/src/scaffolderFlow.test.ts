/*
 * The scaffolder flow end to end, in one process: the real scaffolder
 * backend runs the example software template, whose env:create-ecs step
 * calls the real environments backend on behalf of the user; the engine
 * provisions through the aws-cloudformation driver against the cloud
 * sandbox; then the catalog module's entity provider publishes the
 * environment as a Resource linked to its owner and component. Two more
 * runs show what a refused user sees in the task log and that a dry run
 * creates nothing.
 */
import { Entity } from '@backstage/catalog-model';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
// The real scaffolder, environments plugin and Envkit modules together.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import scaffolderModuleEnvironments from '@envkit/plugin-scaffolder-backend-module-environments';
import { DefaultEnvironmentsService } from '@envkit/plugin-environments-node';
import { startSandbox, type Sandbox } from '@envkit/cloud-sandbox';
import { publishedEntities, repositoryEntity } from './harness/entities';
import { startSandboxApiBackend } from './harness/inProcess';

jest.setTimeout(180_000);

const softwareTemplate = repositoryEntity(
  'examples/templates/create-ecs-environment.yaml',
);
const environmentTemplate = repositoryEntity(
  'examples/templates/ecs-web-service.yaml',
);
const component: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'storefront-web', namespace: 'default' },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-storefront' },
};

describe('scaffolder flow against the sandbox', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, profile: 'fast' });
  });

  afterAll(() => sandbox.stop());

  /**
   * The scaffolder, the environments plugin and the Envkit module in one
   * test backend. `refuse` names permissions the policy denies; everything
   * else is allowed.
   */
  const startFlowBackend = (refuse: string[] = []) =>
    startSandboxApiBackend({
      sandbox,
      name: 'flow-test',
      entities: [softwareTemplate, environmentTemplate, component],
      refuse,
      environments: { scaffolder: { pollIntervalSeconds: 0.5 } },
      extraFeatures: [scaffolderPlugin, scaffolderModuleEnvironments],
    });

  const headers = {
    'Content-Type': 'application/json',
    Authorization: mockCredentials.user.header('user:default/lena'),
  };
  const values = (name: string) => ({
    name,
    imageLocation: 'nginx:1.27',
    containerPort: 80,
    component: 'component:default/storefront-web',
    ttl: 'PT8H',
  });

  /** Runs the example template as lena; the task's end state and log. */
  async function runTask(baseUrl: string, name: string) {
    const created = await fetch(`${baseUrl}/api/scaffolder/v2/tasks`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        templateRef: 'template:default/create-ecs-environment',
        values: values(name),
      }),
    });
    expect(created.status).toBe(201);
    const { id } = await created.json();
    let task: any;
    for (let i = 0; i < 180; i++) {
      task = await (
        await fetch(`${baseUrl}/api/scaffolder/v2/tasks/${id}`, { headers })
      ).json();
      if (task.status === 'completed' || task.status === 'failed') break;
      await new Promise(resolve => setTimeout(resolve, 500));
    }
    const events = await (
      await fetch(`${baseUrl}/api/scaffolder/v2/tasks/${id}/events`, {
        headers,
      })
    ).json();
    const log: string[] = events
      .filter((e: any) => e.type === 'log')
      .map((e: any) => String(e.body.message));
    return { task, events, log };
  }

  const environmentsOf = async (baseUrl: string) =>
    (
      await (
        await fetch(`${baseUrl}/api/environments/environments`, { headers })
      ).json()
    ).items as { spec: { name: string } }[];

  it('runs the example template to a Ready environment that the catalog links to its owner and component', async () => {
    const baseUrl = await startFlowBackend();
    const { task, events, log } = await runTask(baseUrl, 'flow-web');
    if (task.status !== 'completed') {
      // eslint-disable-next-line no-console
      console.log(log.join('\n'));
    }
    expect(task.status).toBe('completed');
    const output = events.find((e: any) => e.type === 'completion')?.body
      .output;
    const links: { url?: string; entityRef?: string }[] = output?.links ?? [];
    const endpoint = links.find(l => l.url)?.url ?? '';
    expect(endpoint).toMatch(/^http:\/\/.+\.elb\.amazonaws\.com$/);
    expect(links.map(l => l.entityRef).filter(Boolean)).toEqual([
      'resource:default/flow-web',
    ]);
    // The endpoint is the one the sandbox serves a page for.
    const page = await fetch(
      sandbox.controls.endpointUrlFor(endpoint.replace('http://', '')),
    );
    expect(await page.text()).toContain('nginx:1.27');
    // Exactly one stack pair was made for it.
    expect(sandbox.controls.inventory()).toHaveLength(2);

    // The catalog module publishes it, linked to its owner and component.
    const environments = new DefaultEnvironmentsService({
      discovery: {
        getBaseUrl: async plugin => `${baseUrl}/api/${plugin}`,
        getExternalBaseUrl: async plugin => `${baseUrl}/api/${plugin}`,
      },
      auth: mockServices.auth({ pluginId: 'catalog' }),
    });
    const published = await publishedEntities(
      (
        await environments.listEnvironments(
          {},
          { credentials: mockCredentials.service('plugin:catalog') },
        )
      ).items,
      mockServices.logger.mock(),
    );
    expect(published).toEqual([
      expect.objectContaining({
        kind: 'Resource',
        metadata: expect.objectContaining({ name: 'flow-web' }),
        spec: expect.objectContaining({
          type: 'environment',
          owner: 'user:default/lena',
          dependencyOf: ['component:default/storefront-web'],
        }),
      }),
    ]);
  });

  it('shows a user the policy refuses the permission error in the task log, and creates nothing', async () => {
    const stacksBefore = sandbox.controls.inventory().length;
    const baseUrl = await startFlowBackend(['environment.create']);
    const { task, log } = await runTask(baseUrl, 'flow-refused');

    expect(task.status).toBe('failed');
    // The announce step ran; the env:create-ecs step failed with the
    // environments backend's refusal, in words the user can act on.
    expect(log.join('\n')).toContain('Creating environment flow-refused');
    expect(log.join('\n')).toMatch(/NotAllowedError/);
    expect(await environmentsOf(baseUrl)).toEqual([]);
    expect(sandbox.controls.inventory()).toHaveLength(stacksBefore);
  });

  it('dry-runs the example template: validates and plans, creating nothing', async () => {
    const stacksBefore = sandbox.controls.inventory().length;
    const baseUrl = await startFlowBackend();
    const res = await fetch(`${baseUrl}/api/scaffolder/v2/dry-run`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        template: softwareTemplate,
        values: values('flow-dry'),
        directoryContents: [],
      }),
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    const messages: string[] = body.log.map((l: any) => String(l.body.message));
    expect(messages.join('\n')).toContain("Dry run: would create 'flow-dry'");
    expect(messages.join('\n')).toMatch(/Dry run: resource 'network'/);
    expect(body.steps.map((step: any) => step.id)).toEqual([
      'announce',
      'environment',
    ]);
    expect(await environmentsOf(baseUrl)).toEqual([]);
    expect(sandbox.controls.inventory()).toHaveLength(stacksBefore);
  });
});
