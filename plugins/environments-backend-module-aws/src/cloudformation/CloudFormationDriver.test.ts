// Longer than most files: one sandbox is shared by every scenario of the
// driver (create, update, failures, batching, IAM policy), as starting it per
// file would multiply the suite's run time.
import {
  DescribeStackEventsCommand,
  ListStacksCommand,
} from '@aws-sdk/client-cloudformation';
import { SANDBOX_AWS_KEYS } from '@envkit/cloud-sandbox';
import {
  DescribeServicesCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  shortResourceName,
  stackName,
} from '@envkit/plugin-environments-common';
import { CloudFormationDriver } from './CloudFormationDriver';
import {
  applyUntilSettled,
  cfnResource,
  contextFor,
  destroyUntilSettled,
  expectDestroyed,
  documentedPolicy,
  environment,
  expectPermanentFailure,
  fargateServiceTemplate,
  notInDocumentedPolicy,
  sandboxDriver,
  templateReader,
} from './__testUtils__/harness';
import {
  describeOnSandbox,
  NETWORK,
  serviceFor,
} from './__testUtils__/sandboxSuite';
import {
  DriverContext,
  DriverEnvironment,
  DriverResource,
} from '@envkit/plugin-environments-node';
import {
  driverOutcome,
  waitFor,
} from '@envkit/plugin-environments-node/testUtils';

/** The service as these scenarios run it: pinned to us-east-1, on 8080. */
const serviceOn = (network: Record<string, string>, image: string) =>
  serviceFor(network, image, { region: 'us-east-1', containerPort: 8080 });

describeOnSandbox('CloudFormationDriver against the cloud sandbox', suite => {
  const createNetwork = (env: DriverEnvironment) => suite.ready(NETWORK, env);
  const destroyNetwork = (env: DriverEnvironment) =>
    destroyUntilSettled(suite.driver, NETWORK, contextFor(env, 'network'));

  /** Destroys a service and its network; nothing of `env` may be left. */
  async function destroyServiceAndNetwork(
    env: DriverEnvironment,
    service: DriverResource,
    ctx: DriverContext,
  ) {
    await expectDestroyed(suite.driver, service, ctx);
    await destroyNetwork(env);
    expect(suite.leftovers(env)).toEqual([]);
  }

  function describeService(cluster: string, service: string) {
    return suite.ledger.harness(async () => {
      const response = await suite.ecs.send(
        new DescribeServicesCommand({ cluster, services: [service] }),
      );
      return response.services![0];
    });
  }

  it('creates network and service, updates the image, and leaves no stack after destroy', async () => {
    const env = environment('web');
    const network = await createNetwork(env);
    expect(network.VpcId).toMatch(/^vpc-/);
    expect(network.PublicSubnetIds.split(',')).toHaveLength(2);

    const serviceCtx = contextFor(env, 'service');
    const created = await applyUntilSettled(
      suite.driver,
      serviceOn(network, 'nginx:1.27'),
      serviceCtx,
    );
    expect(created.status).toBe('Ready');
    expect(created.outputs!.Endpoint).toMatch(
      /^http:\/\/[a-z0-9-]+\.us-east-1\.elb\.amazonaws\.com$/,
    );
    expect(Object.keys(created.outputs!).sort()).toEqual([
      'ClusterName',
      'Endpoint',
      'LogGroup',
      'ServiceName',
      'TaskDefinitionArn',
    ]);
    // What the developer's browser would show behind the endpoint.
    const page = await fetch(
      suite.sandbox.controls.endpointUrlFor(
        created.outputs!.Endpoint.replace('http://', ''),
      ),
    );
    expect(await page.text()).toContain('nginx:1.27');

    const observed = await suite.driver.observe(
      serviceOn(network, 'nginx:1.27'),
      serviceCtx,
    );
    expect(observed).toMatchObject({ status: 'Ready', exists: true });
    expect(observed.details!.services).toEqual([
      expect.objectContaining({
        runningCount: 1,
        desiredCount: 1,
        rolloutState: 'COMPLETED',
      }),
    ]);

    // The real AWS CLI sees the stacks with their tags and outputs.
    const [described] = (
      await suite.cli(
        'cloudformation',
        'describe-stacks',
        '--stack-name',
        stackName(env.name, env.id, 'service'),
      )
    ).Stacks;
    const tags = Object.fromEntries(
      described.Tags.map((t: any) => [t.Key, t.Value]),
    );
    expect(tags).toMatchObject({
      'envkit:environment': env.id,
      'envkit:owner': 'user:default/jane',
      'envkit:template': 'environmenttemplate:default/ecs-web-service',
      'envkit:resource': 'service',
    });
    expect(described.Capabilities).toEqual(['CAPABILITY_IAM']);
    expect(
      described.Outputs.find((o: any) => o.OutputKey === 'Endpoint')
        .OutputValue,
    ).toBe(created.outputs!.Endpoint);

    // A new image in the next generation updates the stack in place.
    const env2 = { ...env, generation: 2 };
    const updated = await applyUntilSettled(
      suite.driver,
      serviceOn(network, 'nginx:1.28'),
      contextFor(env2, 'service'),
    );
    expect(updated).toMatchObject({
      status: 'Ready',
      outputs: { Endpoint: created.outputs!.Endpoint },
    });
    const afterUpdate = await suite.stackOf(env, 'service');
    expect(afterUpdate.StackStatus).toBe('UPDATE_COMPLETE');
    expect(afterUpdate.Parameters).toContainEqual({
      ParameterKey: 'ImageLocation',
      ParameterValue: 'nginx:1.28',
    });

    // Applying the same generation again changes nothing.
    const again = await suite.driver.apply(
      serviceOn(network, 'nginx:1.28'),
      contextFor(env2, 'service'),
    );
    expect(again.status).toBe('Ready');

    await expectDestroyed(
      suite.driver,
      serviceOn(network, 'nginx:1.28'),
      contextFor(env2, 'service'),
    );
    await expectDestroyed(suite.driver, NETWORK, contextFor(env2, 'network'));
    const listed = await suite.ledger.harness(() =>
      suite.cfn.send(new ListStacksCommand({})),
    );
    const ours = listed.StackSummaries!.filter(s =>
      s.StackName!.startsWith(`envkit-${env.name}-`),
    );
    expect(ours).toHaveLength(2);
    expect(ours.map(s => s.StackStatus)).toEqual([
      'DELETE_COMPLETE',
      'DELETE_COMPLETE',
    ]);
    // And observe says so.
    await expectPermanentFailure(
      () => suite.driver.observe(NETWORK, contextFor(env2, 'network')),
      'StackNotFound',
    );
  });

  it('rolls a new image out to ECS as a new task definition', async () => {
    const env = environment('rollout');
    const network = await createNetwork(env);
    const ctx1 = contextFor(env, 'service');
    const created = await applyUntilSettled(
      suite.driver,
      serviceOn(network, 'nginx:1.27'),
      ctx1,
    );
    const cluster = created.outputs!.ClusterName;
    const name = created.outputs!.ServiceName;
    try {
      const before = await describeService(cluster, name);
      const ctx2 = contextFor({ ...env, generation: 2 }, 'service');
      expect(
        (
          await applyUntilSettled(
            suite.driver,
            serviceOn(network, 'nginx:1.28'),
            ctx2,
          )
        ).status,
      ).toBe('Ready');
      const after = await describeService(cluster, name);
      expect(after.taskDefinition).not.toBe(before.taskDefinition);
      expect(after.deployments![0].rolloutState).toBe('COMPLETED');
    } finally {
      await destroyUntilSettled(suite.driver, serviceOn(network, 'x'), ctx1);
      await destroyNetwork(env);
    }
  });

  it('keeps one stack when a new driver instance takes over right after CreateStack', async () => {
    const env = environment('restart');
    const ctx = contextFor(env, 'network');
    const first = sandboxDriver(suite.sandbox);
    expect((await first.apply(NETWORK, ctx)).status).toBe('InProgress');
    first.close();
    // The process "restarts": a new instance, the same idempotency token.
    const second = sandboxDriver(suite.sandbox);
    const result = await applyUntilSettled(second, NETWORK, ctx);
    second.close();
    expect(result.status).toBe('Ready');
    expect(suite.leftovers(env)).toHaveLength(1);
    const events = await suite.ledger.harness(() =>
      suite.cfn.send(
        new DescribeStackEventsCommand({
          StackName: stackName(env.name, env.id, 'network'),
        }),
      ),
    );
    expect(events.StackEvents!.at(-1)!.ClientRequestToken).toBe(
      ctx.token('create'),
    );
    await destroyUntilSettled(suite.driver, NETWORK, ctx);
  });

  it('creates one stack when two replicas apply the same resource at once', async () => {
    const env = environment('race');
    const ctx = contextFor(env, 'network');
    const replicas = [
      sandboxDriver(suite.sandbox),
      sandboxDriver(suite.sandbox),
    ];
    const results = await Promise.all(replicas.map(d => d.apply(NETWORK, ctx)));
    expect(results.map(r => r.status)).toEqual(['InProgress', 'InProgress']);
    replicas.forEach(d => d.close());
    expect(suite.leftovers(env)).toHaveLength(1);
    expect((await applyUntilSettled(suite.driver, NETWORK, ctx)).status).toBe(
      'Ready',
    );
    await destroyUntilSettled(suite.driver, NETWORK, ctx);
  });

  it('reports a bad image as a tripped circuit breaker and cleans up on destroy', async () => {
    const env = environment('badimage');
    const network = await createNetwork(env);
    suite.sandbox.controls.failServiceTasks(
      shortResourceName(env.name, env.id, 'service', 63),
      'CannotPullContainerError: pull image manifest has been retried 5 time(s)',
    );
    const service = serviceOn(network, 'nginx:does-not-exist');
    const ctx = contextFor(env, 'service');
    const result = await applyUntilSettled(suite.driver, service, ctx);
    expect(result.status).toBe('Failed');
    expect(result.reason).toBe('DeploymentCircuitBreaker');
    expect(result.message).toMatch(/^Service \(AWS::ECS::Service\)/);
    expect(result.message).toContain('Circuit Breaker');
    // Asking again gives the same verdict rather than retrying forever.
    expect(
      await driverOutcome(() => suite.driver.apply(service, ctx)),
    ).toMatchObject({
      status: 'Failed',
      kind: 'permanent',
      reason: 'DeploymentCircuitBreaker',
    });
    expect(
      await driverOutcome(() => suite.driver.observe(service, ctx)),
    ).toMatchObject({
      status: 'Failed',
      kind: 'permanent',
      reason: 'DeploymentCircuitBreaker',
      resource: expect.stringContaining('AWS::CloudFormation::Stack'),
    });
    await destroyServiceAndNetwork(env, service, ctx);
  });

  it('observe keeps a service Ready when ECS rolls a failed deployment back, and shows why', async () => {
    const env = environment('breaker');
    const network = await createNetwork(env);
    const service = serviceOn(network, 'nginx:1.27');
    const ctx = contextFor(env, 'service');
    const ready = await applyUntilSettled(suite.driver, service, ctx);
    expect(ready.status).toBe('Ready');
    const cluster = ready.outputs!.ClusterName;
    const name = ready.outputs!.ServiceName;
    const before = await describeService(cluster, name);
    suite.sandbox.controls.failServiceTasks(
      name,
      'Essential container in task exited',
    );
    // A deployment started outside the driver, e.g. from the console.
    await suite.ledger.harness(() =>
      suite.ecs.send(
        new UpdateServiceCommand({
          cluster,
          service: name,
          forceNewDeployment: true,
        }),
      ),
    );
    // The built-in template's circuit breaker rolls back: ECS returns to
    // the deployment whose task still runs.
    const rolledBack = await waitFor(
      'ECS to roll the deployment back',
      async () => {
        const described = await describeService(cluster, name);
        return (
          described.events!.some(e => /rolling back/.test(e.message!)) &&
          described.deployments!.length === 1 &&
          described
        );
      },
      { timeoutMs: 30_000, intervalMs: 20 },
    );
    expect(rolledBack.deployments![0].id).toBe(before.deployments![0].id);
    const observed = await suite.driver.observe(service, ctx);
    expect(observed).toMatchObject({ status: 'Ready', exists: true });
    const [health] = observed.details!.services as any[];
    expect(health).toMatchObject({
      runningCount: 1,
      rolloutState: 'COMPLETED',
    });
    expect(health.recentEvents.join('\n')).toMatch(/rolling back/);
    await destroyUntilSettled(suite.driver, service, ctx);
    await destroyNetwork(env);
  });

  it('names the logical resource that failed, with its reason, and destroy cleans up', async () => {
    const env = environment('lbfail');
    const network = await createNetwork(env);
    suite.sandbox.controls.failResourceType(
      'AWS::ElasticLoadBalancingV2::LoadBalancer',
      'Resource handler returned message: "A load balancer cannot be attached to multiple subnets in the same Availability Zone"',
    );
    const service = serviceOn(network, 'nginx:1.27');
    const ctx = contextFor(env, 'service');
    const result = await applyUntilSettled(suite.driver, service, ctx);
    expect(result).toEqual({
      status: 'Failed',
      kind: 'permanent',
      resource: expect.stringMatching(
        /^AWS::CloudFormation::Stack envkit-lbfail-service-/,
      ),
      reason: 'StackCreateFailed',
      message: expect.stringMatching(
        /^LoadBalancer \(AWS::ElasticLoadBalancingV2::LoadBalancer\) in stack envkit-lbfail-service-[0-9a-f]{8}: CREATE_FAILED - .*multiple subnets in the same Availability Zone/,
      ),
    });
    await destroyServiceAndNetwork(env, service, ctx);
  });

  it('reaches Ready while half of all calls are throttled', async () => {
    const env = environment('throttled');
    suite.sandbox.controls.throttle({ service: 'cloudformation', percent: 50 });
    suite.sandbox.controls.throttle({ service: 'ecs', percent: 50 });
    const network = await createNetwork(env);
    const service = serviceOn(network, 'nginx:1.27');
    const ctx = contextFor(env, 'service');
    expect((await applyUntilSettled(suite.driver, service, ctx)).status).toBe(
      'Ready',
    );
    expect((await suite.driver.observe(service, ctx)).status).toBe('Ready');
    await expectDestroyed(suite.driver, service, ctx);
    await expectDestroyed(suite.driver, NETWORK, contextFor(env, 'network'));
  });

  it('syncs 50 ECS services of one cluster with at most 5 DescribeServices calls per sweep', async () => {
    const cluster = 'envkit-shared-cluster';
    const bodies: Record<string, string> = {
      'https://git.example.com/platform/templates/cluster.json': JSON.stringify(
        {
          Parameters: { ClusterName: { Type: 'String' } },
          Resources: {
            Cluster: {
              Type: 'AWS::ECS::Cluster',
              Properties: { ClusterName: { Ref: 'ClusterName' } },
            },
          },
          Outputs: { ClusterName: { Value: { Ref: 'Cluster' } } },
        },
      ),
      'https://git.example.com/platform/templates/service.json':
        fargateServiceTemplate({
          parameters: { ClusterName: { Type: 'String' } },
          cluster: { Ref: 'ClusterName' },
          desiredCount: 1,
        }),
    };
    const byo = sandboxDriver(suite.sandbox, {
      urlReader: templateReader(bodies),
    });
    const baseUrl =
      'https://git.example.com/platform/templates/catalog-info.yaml';

    const shared = environment('shared');
    const clusterResource = cfnResource('cluster', {
      template: 'cluster.json',
      baseUrl,
      parameters: { ClusterName: cluster },
    });
    expect(
      (
        await applyUntilSettled(
          byo,
          clusterResource,
          contextFor(shared, 'cluster'),
        )
      ).status,
    ).toBe('Ready');

    const app = cfnResource('app', {
      template: 'https://git.example.com/platform/templates/service.json',
      parameters: { ClusterName: cluster },
    });
    const envs = Array.from({ length: 50 }, (_, i) => environment(`svc${i}`));
    const created = await Promise.all(
      envs.map(env =>
        applyUntilSettled(byo, app, contextFor(env, 'app'), 60_000),
      ),
    );
    expect(created.every(r => r.status === 'Ready')).toBe(true);

    const sweep = () =>
      Promise.all(envs.map(env => byo.observe(app, contextFor(env, 'app'))));
    suite.ledger.collect();
    const first = await sweep();
    expect(first.every(r => r.status === 'Ready')).toBe(true);
    expect(suite.sandbox.controls.callCount('ecs', 'DescribeServices')).toBe(5);
    suite.ledger.collect();
    const second = await sweep();
    expect(
      second.map(r => (r.details!.services as any[])[0].runningCount),
    ).toEqual(Array(50).fill(1));
    expect(suite.sandbox.controls.callCount('ecs', 'DescribeServices')).toBe(5);
    // Settled stacks are read from one shared ListStacks snapshot, not one
    // DescribeStacks each.
    expect(
      suite.sandbox.controls.callCount('cloudformation', 'DescribeStacks'),
    ).toBe(0);
    expect(
      suite.sandbox.controls.callCount('cloudformation', 'ListStacks'),
    ).toBeLessThanOrEqual(1);
    // The stacks' service lists are cached until a stack changes.
    expect(
      suite.sandbox.controls.callCount('cloudformation', 'ListStackResources'),
    ).toBe(0);
    suite.ledger.collect();

    await Promise.all(
      envs.map(env =>
        destroyUntilSettled(byo, app, contextFor(env, 'app'), 60_000),
      ),
    );
    await destroyUntilSettled(
      byo,
      clusterResource,
      contextFor(shared, 'cluster'),
    );
    byo.close();
  });

  it('refuses bad parameters without calling AWS', async () => {
    const env = environment('invalid');
    const resource = cfnResource('thing', {
      template: 'builtin:nope',
      region: 'mars-1',
      parameters: { Nested: { a: 1 } },
    });
    expect(await suite.driver.validate(resource)).toEqual([
      {
        path: 'parameters.template',
        message: expect.stringContaining(
          'builtin:network, builtin:ecs-service',
        ),
      },
      { path: 'parameters.parameters.Nested', message: expect.any(String) },
      { path: 'parameters.region', message: expect.any(String) },
    ]);
    expect(
      await suite.driver.validate(
        cfnResource('thing', { template: 'stack.yaml' }),
      ),
    ).toEqual([
      {
        path: 'parameters.template',
        message: expect.stringContaining('baseUrl'),
      },
    ]);
    await expectPermanentFailure(
      () => suite.driver.apply(resource, contextFor(env, 'thing')),
      'InvalidParameters',
    );
  });

  it('is built from app-config with credentials from the aws integration', async () => {
    const configured = CloudFormationDriver.fromConfig(
      new ConfigReader({
        aws: { mainAccount: SANDBOX_AWS_KEYS },
        environments: {
          aws: { endpoint: suite.sandbox.url, defaultRegion: 'us-east-1' },
        },
      }),
      { logger: mockServices.logger.mock() },
    );
    const env = environment('configured');
    const ctx = contextFor(env, 'network');
    expect((await applyUntilSettled(configured, NETWORK, ctx)).status).toBe(
      'Ready',
    );
    await expectDestroyed(configured, NETWORK, ctx);
    configured.close();
  });

  it('empties a bucket holding objects, so destroy removes it on the first attempt', async () => {
    const env = environment('files');
    const ctx = contextFor(env, 'files');
    const files = cfnResource('files', { template: 'builtin:bucket' });
    const created = await applyUntilSettled(suite.driver, files, ctx);
    expect(created).toMatchObject({ status: 'Ready' });
    const bucket = created.outputs!.BucketName;
    const tagging = await suite.cli(
      's3api',
      'get-bucket-tagging',
      '--bucket',
      bucket,
    );
    expect(tagging.TagSet).toEqual(
      expect.arrayContaining([{ Key: 'envkit:environment', Value: env.id }]),
    );
    // More than one page of ListObjectsV2 (1000 keys) and of DeleteObjects.
    const s3 = new S3Client({
      endpoint: suite.sandbox.url,
      region: 'us-east-1',
      credentials: SANDBOX_AWS_KEYS,
      forcePathStyle: true,
    });
    await suite.ledger.harness(async () => {
      for (let i = 0; i < 1005; i++) {
        await s3.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: `uploads/${i}.txt`,
            Body: `object ${i}`,
          }),
        );
      }
    });
    s3.destroy();
    const [stack] = suite.leftovers(env);

    await expectDestroyed(suite.driver, files, ctx);
    expect(suite.leftovers(env)).toEqual([]);
    // First attempt: the bucket never failed to delete.
    const events = await suite.ledger.harness(() =>
      suite.cfn.send(new DescribeStackEventsCommand({ StackName: stack })),
    );
    expect(
      events.StackEvents!.filter(e => e.ResourceStatus === 'DELETE_FAILED'),
    ).toEqual([]);
  });

  it('documents an IAM policy that allows every call the driver made', () => {
    const { allowed } = documentedPolicy();
    const used = suite.ledger.iamActions();
    expect(used).toEqual(
      expect.arrayContaining([
        'cloudformation:CreateStack',
        'cloudformation:UpdateStack',
        'cloudformation:DeleteStack',
        'cloudformation:DescribeStacks',
        'cloudformation:DescribeStackEvents',
        'ecs:DescribeServices',
        's3:ListBucket',
        's3:DeleteObject',
      ]),
    );
    expect(notInDocumentedPolicy(used)).toEqual([]);
    // Least privilege: no service-wide wildcards.
    expect(allowed.filter(a => a.endsWith(':*'))).toEqual([]);
  });
});
