/*
 * Day-2 operations end to end, in one process: the environments plugin with
 * both driver modules against the cloud sandbox, checked with the real
 * `aws` and `kubectl`. A Ready ECS environment is redeployed (a new ECS
 * deployment while it stays Ready), updated to an image whose tasks never
 * become healthy (the stack rolls back, the environment keeps its endpoint),
 * upgraded from a version with three stacks to one with two, refused a
 * downgrade, and destroyed; a namespace environment is redeployed (a new
 * restart stamp). Throughout, a secret input's value must appear in no
 * response, log line, event, audit record, catalog entity or stack listing.
 */
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { mockServices } from '@backstage/backend-test-utils';
import {
  aws,
  describeService,
  describeStacksTagged,
  kubectl,
  sandboxClusterConfig,
  startSandbox,
  type Sandbox,
} from '@envkit/cloud-sandbox';
import yaml from 'yaml';
import { RecordingLogger, recordingRootLogger } from './harness/logs';
import { publishedEntities, repositoryEntity } from './harness/entities';
import { userApi } from './harness/api';
import { startSandboxApiBackend } from './harness/inProcess';

jest.setTimeout(600_000);

/** Unique enough that finding it anywhere means it leaked. */
const SECRET = 'day2-secret-5b7e0c91d4';

/** An image whose tasks the sandbox never lets become healthy. */
const NEVER_HEALTHY_IMAGE = 'registry.example.com/broken/web:2';

/**
 * A third stack for version 1 of the ECS template: a log group, passed the
 * secret input as an ordinary parameter. The driver must declare it
 * `NoEcho` itself; the template's author forgot to.
 */
const EXTRAS_TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  ApiToken:
    Type: String
Resources:
  Logs:
    Type: AWS::Logs::LogGroup
    Properties:
      RetentionInDays: 1
Outputs:
  LogGroupName:
    Value: !Ref Logs
`;

describe('day-2 operations against the sandbox', () => {
  let sandbox: Sandbox;
  let files: http.Server;
  const logLines: string[] = [];
  const audit: unknown[] = [];
  /** Every response body the test saw, searched for the secret at the end. */
  const responses: unknown[] = [];
  let api: ReturnType<typeof userApi>;
  const ecs: any = repositoryEntity('examples/templates/ecs-web-service.yaml');
  const namespace = repositoryEntity('examples/templates/dev-namespace.yaml');

  /** Version 1 of the ECS template: network, service and the extras stack. */
  function ecsVersion1(extrasUrl: string) {
    ecs.spec.parameters.properties.apiToken = {
      type: 'string',
      title: 'API token',
      secret: true,
    };
    ecs.spec.resources.push({
      name: 'extras',
      driver: 'aws-cloudformation',
      parameters: {
        template: extrasUrl,
        region: '${{ inputs.region }}',
        parameters: { ApiToken: '${{ inputs.apiToken }}' },
      },
    });
  }

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, profile: 'fast' });
    sandbox.controls.failImageTasks(NEVER_HEALTHY_IMAGE);
    files = http.createServer((_req, res) => {
      res.setHeader('content-type', 'text/yaml');
      res.end(EXTRAS_TEMPLATE);
    });
    await new Promise<void>(resolve => files.listen(0, '127.0.0.1', resolve));
    const filesHost = `127.0.0.1:${(files.address() as AddressInfo).port}`;
    ecsVersion1(`http://${filesHost}/extras.yaml`);

    const baseUrl = await startSandboxApiBackend({
      sandbox,
      name: 'day2',
      entities: [ecs, namespace],
      config: { backend: { reading: { allow: [{ host: filesHost }] } } },
      environments: {
        kubernetes: {
          clusters: [
            sandboxClusterConfig(sandbox, {
              serviceAccountToken: 'day2-sandbox-token',
            }),
          ],
        },
      },
      extraFeatures: [
        mockServices.auditor.mock({
          async createEvent(options) {
            audit.push({ eventId: options.eventId, meta: options.meta });
            return {
              success: async () => {},
              fail: async (failure: { error?: Error }) => {
                audit.push(failure.error?.message);
              },
            } as any;
          },
        }).factory,
        recordingRootLogger(logLines),
      ],
    });
    api = userApi(baseUrl, 'user:default/lena', responses);
  });

  afterAll(async () => {
    await sandbox?.stop();
    await new Promise(resolve => files?.close(resolve));
  });

  const describeServices = (cluster: string, service: string) =>
    describeService(sandbox, cluster, service);

  /** Live stacks tagged with the environment. */
  async function stacksOf(environmentId: string): Promise<any[]> {
    const stacks = await describeStacksTagged(sandbox, {
      key: 'envkit:environment',
      value: environmentId,
    });
    responses.push(JSON.stringify(stacks));
    return stacks;
  }

  let ecsId = '';
  /** What the catalog module published, searched for the secret at the end. */
  const published: unknown[] = [];

  /**
   * The stack that got the secret lists it as `****`, and the catalog
   * module publishes the environment (searched for the secret later).
   */
  async function expectSecretMaskedAndPublished() {
    const extras = (await stacksOf(ecsId)).find(s =>
      (s.Parameters ?? []).some((p: any) => p.ParameterKey === 'ApiToken'),
    );
    expect(
      extras.Parameters.find((p: any) => p.ParameterKey === 'ApiToken')
        .ParameterValue,
    ).toBe('****');
    const list = await api.call('GET', '/environments');
    const entities = await publishedEntities(
      list.body.items,
      new RecordingLogger(logLines),
    );
    expect(entities.map((e: any) => e.metadata.name)).toContain('day2-web');
    published.push(entities);
  }

  it('redeploys a Ready ECS environment as a new ECS deployment while it stays Ready', async () => {
    const created = await api.call('POST', '/environments', {
      name: 'day2-web',
      templateRef: 'ecs-web-service',
      inputs: {
        imageLocation: 'nginx:1.27',
        containerPort: 80,
        apiToken: SECRET,
      },
    });
    expect(created.status).toBe(202);
    ecsId = created.body.id;
    const ready = await api.watch(ecsId, e => e.status.phase === 'Ready');
    const { cluster, service, endpoint } = ready.status.outputs;
    await expectSecretMaskedAndPublished();
    const before = await describeServices(cluster, service);
    expect(before.deployments).toHaveLength(1);

    const redeploy = await api.call('POST', `/environments/${ecsId}/redeploy`);
    expect(redeploy.status).toBe(202);
    const phases: string[] = [];
    const after = await api.watch(
      ecsId,
      e => e.status.observedGeneration === redeploy.body.spec.generation,
      phases,
    );

    expect(new Set(phases)).toEqual(new Set(['Ready']));
    expect(after.status.outputs.endpoint).toBe(endpoint);
    const now = await describeServices(cluster, service);
    const primary = now.deployments.find((d: any) => d.status === 'PRIMARY');
    expect(primary.id).not.toBe(before.deployments[0].id);
    const events = await api.call(
      'GET',
      `/environments/${ecsId}/events?limit=50`,
    );
    expect(events.body.items.map((e: any) => e.reason)).toEqual(
      expect.arrayContaining(['RolloutStarted', 'RolledOut']),
    );
  });

  it('keeps the endpoint when an update never becomes healthy: the stack rolls back, the environment says what failed', async () => {
    const before = await api.call('GET', `/environments/${ecsId}`);
    const stacksBefore = (await stacksOf(ecsId)).map(s => s.StackName).sort();

    const patched = await api.call('PATCH', `/environments/${ecsId}`, {
      inputs: { imageLocation: NEVER_HEALTHY_IMAGE },
    });
    expect(patched.status).toBe(202);
    const degraded = await api.watch(ecsId, e => e.status.phase === 'Degraded');

    expect(degraded.status.lastError.resource).toBe('service');
    expect(degraded.status.lastError.message).toMatch(
      /circuit breaker|rolled back/i,
    );
    expect(degraded.status.outputs.endpoint).toBe(
      before.body.status.outputs.endpoint,
    );
    const stacks = await stacksOf(ecsId);
    expect(stacks.map(s => s.StackName).sort()).toEqual(stacksBefore);
    const service = stacks.find(s =>
      (s.Tags ?? []).some((t: any) => t.Value === 'service'),
    );
    expect(service.StackStatus).toBe('UPDATE_ROLLBACK_COMPLETE');
    // The old tasks still serve the endpoint.
    const page = await fetch(
      sandbox.controls.endpointUrlFor(
        degraded.status.outputs.endpoint.replace('http://', ''),
      ),
    );
    expect(await page.text()).toContain('nginx:1.27');

    // Back to a good image: Ready again.
    await api.call('PATCH', `/environments/${ecsId}`, {
      inputs: { imageLocation: 'nginx:1.28' },
    });
    await api.watch(ecsId, e => e.status.phase === 'Ready');
  });

  it('upgrades from three stacks to two, leaving exactly the new version tagged, and refuses a downgrade', async () => {
    expect((await stacksOf(ecsId)).length).toBe(3);
    ecs.spec.version = '1.1.0';
    ecs.spec.resources = ecs.spec.resources.filter(
      (r: any) => r.name !== 'extras',
    );

    const upgraded = await api.call('POST', `/environments/${ecsId}/upgrade`);
    expect(upgraded.status).toBe(202);
    await api.watch(
      ecsId,
      e =>
        e.status.phase === 'Ready' &&
        e.status.observedGeneration === upgraded.body.spec.generation,
    );
    await api.watch(ecsId, e =>
      e.status.resources.some(
        (r: any) => r.name === 'extras' && r.phase === 'Destroyed',
      ),
    );
    const stacks = await stacksOf(ecsId);
    expect(
      stacks
        .map(s => s.Tags.find((t: any) => t.Key === 'envkit:resource').Value)
        .sort(),
    ).toEqual(['network', 'service']);

    ecs.spec.version = '1.0.0';
    const downgrade = await api.call('POST', `/environments/${ecsId}/upgrade`);
    expect(downgrade.status).toBe(409);
    ecs.spec.version = '1.1.0';
  });

  it('redeploys a namespace workload with a new restart stamp', async () => {
    const created = await api.call('POST', '/environments', {
      name: 'day2-ns',
      templateRef: 'dev-namespace',
      inputs: { image: 'nginx:1.27', containerPort: 80 },
    });
    expect(created.status).toBe(202);
    const id = created.body.id;
    const ready = await api.watch(id, e => e.status.phase === 'Ready');
    const ns = ready.status.outputs.namespace;
    const redeploy = await api.call('POST', `/environments/${id}/redeploy`);
    await api.watch(
      id,
      e => e.status.observedGeneration === redeploy.body.spec.generation,
    );

    const out = await kubectl(sandbox, [
      'get',
      'deploy',
      '-n',
      ns,
      '-o',
      'yaml',
    ]);
    expect(out.code).toBe(0);
    const deployments = yaml.parse(out.stdout).items;
    expect(
      deployments[0].spec.template.metadata.annotations[
        'kubectl.kubernetes.io/restartedAt'
      ],
    ).toBe(redeploy.body.spec.redeployRequestedAt);
  });

  it('never shows the secret input: responses, logs, events, audit, catalog entity, stack listings', async () => {
    // Changing the secret is a write like any other.
    const changed = await api.call('PATCH', `/environments/${ecsId}`, {
      inputs: { apiToken: `${SECRET}-2` },
    });
    expect(changed.status).toBe(202);
    expect(changed.body.spec.secretInputs).toEqual(['apiToken']);
    const destroyed = await api.call('DELETE', `/environments/${ecsId}`);
    expect(destroyed.status).toBe(202);
    await api.watch(ecsId, e => e.status.phase === 'Destroyed');

    const listings = await Promise.all(
      [
        ['cloudformation', 'describe-stacks'],
        ['cloudformation', 'list-stacks'],
      ].map(args => aws(sandbox, args)),
    );
    const allEvents = await api.call(
      'GET',
      `/environments/${ecsId}/events?limit=1000`,
    );

    const everything = JSON.stringify([
      responses,
      allEvents.body,
      logLines,
      audit,
      published,
      listings.map(l => l.stdout),
    ]);
    // The search covers what was really written: the backend logged, and
    // audited the writes.
    expect(logLines.length).toBeGreaterThan(20);
    expect(audit.length).toBeGreaterThan(5);
    expect(everything).not.toContain(SECRET);
    // And the search itself can find things: the token's name is there.
    expect(everything).toContain('apiToken');
  });
});
