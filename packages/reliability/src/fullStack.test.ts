/*
 * The full-stack example end to end, in one process: the environments
 * plugin with its driver modules creates an environment from
 * examples/templates/web-app-full-stack.yaml on the cloud sandbox (network,
 * its NAT gateway in a stack of its own, the environment's own load
 * balancer and cluster, Postgres, Redis, a bucket, a queue, and a web and
 * an api service behind the one load balancer). The database and cache do
 * not wait for the NAT gateway; the services do. The real `aws` CLI then
 * checks the wiring: the database
 * password reaches the tasks only as an ECS secret read from Secrets
 * Manager, every data resource carries the environment's tag, and both
 * services answer on their own paths of the one endpoint. Destroying the
 * environment while its bucket holds objects leaves nothing tagged with it,
 * without a failed attempt on the way.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  aws,
  describeStacksTagged,
  startSandbox,
  type Sandbox,
} from '@envkit/cloud-sandbox';
import { printFigures, userApi } from './harness/api';
import { repositoryEntity } from './harness/entities';
import { startSandboxApiBackend } from './harness/inProcess';

jest.setTimeout(600_000);

describe('the full-stack example on the sandbox', () => {
  let sandbox: Sandbox;
  let environments: ReturnType<typeof userApi>;
  const template = repositoryEntity(
    'examples/templates/web-app-full-stack.yaml',
  );

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, profile: 'fast' });
    const baseUrl = await startSandboxApiBackend({
      sandbox,
      name: 'fullstack',
      entities: [template],
    });
    environments = userApi(baseUrl, 'user:default/lena');
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  async function cli(...args: string[]) {
    const result = await aws(sandbox, args);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    return result.stdout ? JSON.parse(result.stdout) : {};
  }

  let id = '';
  let ready: any;
  let readySeconds = 0;
  /** The stack outputs of each resource of the environment, by resource. */
  const stackOutputs: Record<string, Record<string, string>> = {};
  /** The stack name of each resource of the environment, by resource. */
  const stackNames: Record<string, string> = {};

  /** The task definition of `service`'s ECS service. */
  async function taskDefinitionOf(service: string) {
    const { taskDefinition } = await cli(
      'ecs',
      'describe-task-definition',
      '--task-definition',
      stackOutputs[service].TaskDefinitionArn,
    );
    return taskDefinition;
  }

  /** The RDS instance whose endpoint is `host`. */
  async function dbInstance(host: string) {
    const { DBInstances } = await cli(
      'rds',
      'describe-db-instances',
      '--db-instance-identifier',
      host.split('.')[0],
    );
    return DBInstances[0];
  }

  /** The cache's ElastiCache replication group. */
  async function cacheGroup() {
    const { ReplicationGroups } = await cli(
      'elasticache',
      'describe-replication-groups',
    );
    return ReplicationGroups.find(
      (g: any) =>
        g.NodeGroups[0].PrimaryEndpoint.Address === stackOutputs.cache.Host,
    );
  }

  it('reaches Ready with every resource in a stack of its own', async () => {
    // Created on the realistic profile's durations (60 times faster), so
    // that which stack waits for which shows in the stacks' times: on the
    // fast profile every resource takes about the same few milliseconds.
    sandbox.controls.setProfile('realistic', { clockMultiplier: 60 });
    const created = await environments.call('POST', '/environments', {
      name: 'shop',
      templateRef: 'web-app-full-stack',
      inputs: {
        webImage: 'nginx:1.27',
        apiImage: 'registry.example.com/shop/api:3',
        containerPort: 80,
      },
    });
    expect(created.status).toBe(202);
    id = created.body.id;
    const started = Date.now();
    const phases: string[] = [];
    const env = await environments.watch(
      id,
      e => ['Ready', 'Failed', 'Degraded'].includes(e.status.phase),
      phases,
    );
    expect(env.status.lastError).toBeUndefined();
    expect(phases.at(-1)).toBe('Ready');
    readySeconds = (Date.now() - started) / 1000;
    sandbox.controls.setProfile('fast', { clockMultiplier: 1 });
    ready = env;
    const stacks = await describeStacksTagged(sandbox, {
      key: 'envkit:environment',
      value: id,
    });
    for (const stack of stacks) {
      const resource = stack.Tags.find(
        (t: any) => t.Key === 'envkit:resource',
      ).Value;
      stackOutputs[resource] = Object.fromEntries(
        (stack.Outputs ?? []).map((o: any) => [o.OutputKey, o.OutputValue]),
      );
      stackNames[resource] = stack.StackName;
    }
    expect(Object.keys(stackOutputs).sort()).toEqual([
      'api',
      'cache',
      'db',
      'egress',
      'files',
      'jobs',
      'network',
      'platform',
      'web',
    ]);
  });

  it('starts the database and cache before the NAT gateway is available, and the services after', async () => {
    /** The stack events of `resource`'s stack, oldest first. */
    const eventsOf = async (resource: string) =>
      (
        (
          await cli(
            'cloudformation',
            'describe-stack-events',
            '--stack-name',
            stackNames[resource],
          )
        ).StackEvents as any[]
      ).reverse();
    /** When `resource`'s stack started being created. */
    const started = async (resource: string) => {
      const first = (await eventsOf(resource)).find(
        e =>
          e.LogicalResourceId === stackNames[resource] &&
          e.ResourceStatus === 'CREATE_IN_PROGRESS',
      );
      return Date.parse(first.Timestamp);
    };
    // Wherever the NAT gateway is, the moment it became available.
    const natStacks: string[] = [];
    let natAvailable = NaN;
    for (const resource of Object.keys(stackNames)) {
      const done = (await eventsOf(resource)).find(
        e =>
          e.ResourceType === 'AWS::EC2::NatGateway' &&
          e.ResourceStatus === 'CREATE_COMPLETE',
      );
      if (done) {
        natStacks.push(resource);
        natAvailable = Date.parse(done.Timestamp);
      }
    }
    expect(natStacks).toHaveLength(1);
    for (const resource of ['db', 'cache', 'platform']) {
      expect(await started(resource)).toBeLessThan(natAvailable);
    }
    // The services' tasks pull their images through it.
    for (const resource of ['web', 'api']) {
      expect(await started(resource)).toBeGreaterThan(natAvailable);
    }
    expect(natStacks).toEqual(['egress']);
  });

  it('gives the database password to the tasks only as an ECS secret read from Secrets Manager', async () => {
    const dbSecret = stackOutputs.db.SecretArn;
    const cacheSecret = stackOutputs.cache.SecretArn;
    expect(dbSecret).toMatch(/^arn:aws:secretsmanager:/);
    for (const service of ['web', 'api']) {
      const taskDefinition = await taskDefinitionOf(service);
      const [container] = taskDefinition.containerDefinitions;
      expect(container.secrets).toEqual([
        { name: 'DATABASE_PASSWORD', valueFrom: `${dbSecret}:password::` },
        { name: 'REDIS_AUTH_TOKEN', valueFrom: cacheSecret },
      ]);
      const plain = Object.fromEntries(
        container.environment.map((e: any) => [e.name, e.value]),
      );
      expect(plain).toMatchObject({
        DATABASE_HOST: stackOutputs.db.Host,
        DATABASE_PORT: '5432',
        DATABASE_NAME: 'app',
        DATABASE_USER: 'app',
        REDIS_HOST: stackOutputs.cache.Host,
        BUCKET_NAME: stackOutputs.files.BucketName,
      });
      // No credential, nor where to read one, among the plain values.
      expect(Object.keys(plain).filter(k => /PASSWORD|TOKEN/.test(k))).toEqual(
        [],
      );
      expect(JSON.stringify(container.environment)).not.toContain(
        'secretsmanager',
      );
      // A role of its own that may read those two secrets, and a task role.
      expect(taskDefinition.executionRoleArn).toMatch(/^arn:aws:iam::/);
      expect(taskDefinition.taskRoleArn).toBe(
        stackOutputs[service].TaskRoleArn,
      );
    }
    // Only the api was wired to the queue.
    const api = await taskDefinitionOf('api');
    expect(api.containerDefinitions[0].environment).toContainEqual({
      name: 'QUEUE_URL',
      value: stackOutputs.jobs.QueueUrl,
    });
  });

  it('tags every data resource with the environment, as the aws CLI sees it', async () => {
    const tag = { Key: 'envkit:environment', Value: id };
    const instance = await dbInstance(stackOutputs.db.Host);
    expect(instance.TagList).toContainEqual(tag);
    // The master password is in the stack's own secret, not RDS's.
    expect(instance.MasterUserSecret).toBeUndefined();

    const group = await cacheGroup();
    // Each by the command that lists its tags, and the field of the answer
    // that holds them.
    const listings = [
      [
        `elasticache list-tags-for-resource --resource-name ${group.ARN}`,
        'TagList',
      ],
      [
        `s3api get-bucket-tagging --bucket ${stackOutputs.files.BucketName}`,
        'TagSet',
      ],
      // The auth token's secret is the stack's: it carries the stack's tags.
      [
        `secretsmanager describe-secret --secret-id ${stackOutputs.cache.SecretArn}`,
        'Tags',
      ],
    ];
    for (const [command, field] of listings) {
      expect((await cli(...command.split(' ')))[field]).toContainEqual(tag);
    }
    // A queue's tags are an object, by key.
    const queue = await cli(
      'sqs',
      'list-queue-tags',
      '--queue-url',
      stackOutputs.jobs.QueueUrl,
    );
    expect(queue.Tags[tag.Key]).toBe(id);
    // The master password's secret is the stack's too: CloudFormation tags
    // it like every other resource of the environment.
    const dbSecret = await cli(
      'secretsmanager',
      'describe-secret',
      '--secret-id',
      stackOutputs.db.SecretArn,
    );
    expect(dbSecret.Tags).toContainEqual(tag);
    expect(dbSecret.OwningService).toBeUndefined();
  });

  it('answers on /web and /api of the one endpoint, each service showing what its task received', async () => {
    const endpoint: string = ready.status.outputs.endpoint;
    expect(ready.status.outputs.web).toBe(`${endpoint}/web/`);
    expect(ready.status.outputs.api).toBe(`${endpoint}/api/`);
    const host = endpoint.replace('http://', '');
    const page = async (route: string) => {
      const res = await fetch(
        `${sandbox.controls.endpointUrlFor(host)}${route}`,
      );
      return { status: res.status, text: await res.text() };
    };
    const web = await page('/web/');
    const api = await page('/api/orders');
    expect(web.status).toBe(200);
    expect(api.status).toBe(200);
    expect(web.text).toContain('nginx:1.27');
    expect(api.text).toContain('registry.example.com/shop/api:3');
    expect(web.text).not.toContain('registry.example.com/shop/api:3');
    // The wiring, secrets only as the ARN they are read from.
    expect(api.text).toContain(
      `<td><code>DATABASE_PASSWORD</code></td><td>secret</td><td><code>${stackOutputs.db.SecretArn}:password::</code></td>`,
    );
    expect(api.text).toContain(stackOutputs.jobs.QueueUrl);
    expect(web.text).not.toContain('QUEUE_URL');
    // Nothing routes elsewhere: the platform's default answer.
    expect((await page('/admin')).status).toBe(404);
    // One rule per service on the one listener, at priorities the driver
    // chose so that they differ.
    const { Rules } = await cli(
      'elbv2',
      'describe-rules',
      '--listener-arn',
      stackOutputs.platform.ListenerArn,
    );
    const rules = (Rules as any[]).filter(r => !r.IsDefault);
    expect(
      rules.map(r => r.Conditions[0].PathPatternConfig.Values).sort(),
    ).toEqual([
      ['/api', '/api/*'],
      ['/web', '/web/*'],
    ]);
    expect(rules.map(r => r.Priority).sort()).toEqual(
      [
        stackOutputs.api.ListenerRulePriority,
        stackOutputs.web.ListenerRulePriority,
      ].sort(),
    );
    expect(new Set(rules.map(r => r.Priority)).size).toBe(2);
  });

  it('resizes the database and cache in place: same instance, same secret, Ready again', async () => {
    const host = stackOutputs.db.Host;
    const patched = await environments.call('PATCH', `/environments/${id}`, {
      inputs: {
        databaseInstanceClass: 'db.t4g.small',
        cacheNodeType: 'cache.t4g.small',
      },
    });
    expect(patched.status).toBe(202);
    const env = await environments.watch(
      id,
      e =>
        e.status.observedGeneration >= patched.body.spec.generation &&
        ['Ready', 'Failed', 'Degraded'].includes(e.status.phase),
    );
    expect(env.status.lastError).toBeUndefined();
    expect(env.status.phase).toBe('Ready');
    expect(env.status.outputs.databaseHost).toBe(host);
    expect(env.status.outputs.databaseSecretArn).toBe(
      stackOutputs.db.SecretArn,
    );
    expect((await dbInstance(host)).DBInstanceClass).toBe('db.t4g.small');
    expect((await cacheGroup()).CacheNodeType).toBe('cache.t4g.small');
  });

  it('destroys with objects in the bucket, on the first attempt, leaving nothing tagged', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'envkit-fullstack-'));
    const file = path.join(dir, 'report.csv');
    fs.writeFileSync(file, 'id,total\n1,42\n');
    for (const key of ['uploads/a.csv', 'uploads/b.csv']) {
      await cli(
        's3api',
        'put-object',
        '--bucket',
        stackOutputs.files.BucketName,
        '--key',
        key,
        '--body',
        file,
      );
    }
    const destroyed = await environments.call('DELETE', `/environments/${id}`);
    expect(destroyed.status).toBe(202);
    const phases: string[] = [];
    await environments.watch(
      id,
      e => e.status.phase === 'Destroyed' || e.status.phase === 'Failed',
      phases,
    );
    expect(phases.at(-1)).toBe('Destroyed');
    expect(phases).not.toContain('Failed');
    const tag = { key: 'envkit:environment', value: id };
    expect(sandbox.controls.inventory(tag)).toEqual([]);
    expect(sandbox.controls.taggedResources(tag)).toEqual([]);
    // RDS deleted the password's secret with the instance.
    const gone = await aws(sandbox, [
      'secretsmanager',
      'describe-secret',
      '--secret-id',
      stackOutputs.db.SecretArn,
    ]);
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toContain('ResourceNotFoundException');
    const events = await environments.call(
      'GET',
      `/environments/${id}/events?limit=1000`,
    );
    expect(
      events.body.items.filter((e: any) => /BucketNotEmpty/.test(e.message)),
    ).toEqual([]);
    printFigures('Full stack', {
      stacks: Object.keys(stackOutputs).length,
      'seconds to Ready (realistic, clock ×60)': readySeconds.toFixed(1),
      'objects in the bucket at destroy': 2,
      'phases while destroying': phases.join(' → '),
      'stacks and tagged resources left': 0,
    });
  });
});
