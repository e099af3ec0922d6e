import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { validateEnvironmentTemplate } from '@envkit/plugin-environments-common';
import { startSandbox, type Sandbox } from '@envkit/cloud-sandbox';
import {
  BUILTIN_TEMPLATES,
  builtinTemplateDirectory,
  MAX_TEMPLATE_BODY_BYTES,
  TemplateSource,
} from './templateSource';
import { loadAwsServiceSpec } from '@aws-cdk/aws-service-spec';
import { awsCli } from './__testUtils__/harness';
import { specProblems } from './__testUtils__/resourceSpec';

jest.setTimeout(60_000);

type Json = any;

const PSEUDO_PARAMETERS = new Set([
  'AWS::AccountId',
  'AWS::NoValue',
  'AWS::NotificationARNs',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);

/** Every Ref, GetAtt and Sub reference in a template, as [kind, name]. */
function references(value: Json, out: [string, string][] = []) {
  if (Array.isArray(value)) value.forEach(v => references(v, out));
  else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries<Json>(value)) {
      if (key === 'Ref') out.push(['Ref', item]);
      else if (key === 'Fn::GetAtt') {
        out.push([
          'GetAtt',
          Array.isArray(item) ? item[0] : item.split('.')[0],
        ]);
      } else if (key === 'Fn::Sub') {
        const text = Array.isArray(item) ? item[0] : item;
        // Names the Sub's own variable map defines are not references.
        const local = new Set(Object.keys(Array.isArray(item) ? item[1] : {}));
        for (const m of String(text).matchAll(/\$\{([^}!][^}]*)\}/g)) {
          const name = m[1].startsWith('AWS::') ? m[1] : m[1].split('.')[0];
          if (!local.has(name)) out.push(['Sub', name]);
        }
      }
      references(item, out);
    }
  }
  return out;
}

describe('built-in CloudFormation templates', () => {
  const source = new TemplateSource();

  it('are found through the package path', () => {
    expect(builtinTemplateDirectory()).toMatch(/templates[/\\]cloudformation$/);
  });

  it.each(BUILTIN_TEMPLATES)(
    '%s fits inline and refers only to what it declares',
    async name => {
      const body = await source.loadBuiltin(name);
      expect(Buffer.byteLength(body)).toBeLessThanOrEqual(
        MAX_TEMPLATE_BODY_BYTES,
      );
      const template: Json = parseYaml(body);
      const declared = new Set([
        ...Object.keys(template.Resources),
        ...Object.keys(template.Parameters ?? {}),
        ...PSEUDO_PARAMETERS,
      ]);
      const dangling = references(template).filter(
        ([, target]) => !declared.has(target),
      );
      expect(dangling).toEqual([]);
      // GetAtt only ever targets resources.
      const getAtts = references(template).filter(
        ([kind]) => kind === 'GetAtt',
      );
      expect(
        getAtts.filter(([, target]) => !(target in template.Resources)),
      ).toEqual([]);
      const resources = Object.values<Json>(template.Resources);
      const conditions = resources.flatMap(r => r.Condition ?? []);
      expect(
        conditions.filter(c => !(c in (template.Conditions ?? {}))),
      ).toEqual([]);
      const dependsOn = resources.flatMap(r => [r.DependsOn ?? []].flat());
      expect(dependsOn.filter(d => !(d in template.Resources))).toEqual([]);
    },
  );

  describe('against the AWS CloudFormation resource specification', () => {
    let spec: Awaited<ReturnType<typeof loadAwsServiceSpec>>;
    beforeAll(async () => {
      spec = await loadAwsServiceSpec();
    });

    it.each(BUILTIN_TEMPLATES)(
      '%s uses only known types and properties, with every required one and valid enum values',
      async name => {
        const template: Json = parseYaml(await source.loadBuiltin(name));
        expect(specProblems(spec, template)).toEqual([]);
      },
    );

    it('finds what is wrong in a broken template', () => {
      const broken = {
        Resources: {
          Cluster: { Type: 'AWS::ECS::Clustre', Properties: {} },
          Service: {
            Type: 'AWS::ECS::Service',
            Properties: { LaunchType: 'FARGATE_SPOT', Colour: 'blue' },
          },
          Subnet: { Type: 'AWS::EC2::Subnet', Properties: {} },
          Vpc: {
            Type: 'AWS::EC2::VPC',
            Properties: { CidrBlock: { 'Fn::Select': [0, ['10.0.0.0/16']] } },
          },
        },
      };
      expect(specProblems(spec, broken)).toEqual([
        'Cluster: unknown resource type AWS::ECS::Clustre',
        'Service.Properties.Colour: unknown property',
        expect.stringMatching(
          /^Service\.Properties\.LaunchType: 'FARGATE_SPOT' is not one of /,
        ),
        'Subnet.Properties.VpcId: required property missing',
      ]);
    });
  });

  it('ecs-service exposes what the example template publishes and rolls out quickly', async () => {
    const template: Json = parseYaml(await source.loadBuiltin('ecs-service'));
    expect(Object.keys(template.Outputs)).toEqual(
      expect.arrayContaining([
        'Endpoint',
        'ClusterName',
        'ServiceName',
        'LogGroup',
      ]),
    );
    const tg = template.Resources.TargetGroup.Properties;
    expect(tg.HealthCheckIntervalSeconds).toBeLessThanOrEqual(10);
    expect(tg.HealthyThresholdCount).toBe(2);
    const delay = Number(
      tg.TargetGroupAttributes.find(
        (a: Json) => a.Key === 'deregistration_delay.timeout_seconds',
      ).Value,
    );
    expect(delay).toBeGreaterThanOrEqual(5);
    expect(delay).toBeLessThanOrEqual(10);
    expect(
      template.Resources.Service.Properties.DeploymentConfiguration
        .DeploymentCircuitBreaker,
    ).toEqual({ Enable: true, Rollback: true });
    // Only the load balancer's security group may reach the tasks.
    expect(
      template.Resources.ServiceSecurityGroup.Properties.SecurityGroupIngress,
    ).toBeUndefined();
    expect(
      template.Resources.ServiceIngressFromLoadBalancer.Properties
        .SourceSecurityGroupId,
    ).toEqual({
      'Fn::GetAtt': ['LoadBalancerSecurityGroup', 'GroupId'],
    });
  });

  it.each([
    // Imports the platform's execution role: no IAM of its own.
    ['ecs-service-shared', false],
    // Roles of its own when secrets, a bucket or a queue are wired in.
    ['ecs-app-service', true],
  ] as const)(
    'ecs-platform exports what %s imports, and nothing else is imported',
    async (template, ownRoles) => {
      const platform: Json = parseYaml(
        await source.loadBuiltin('ecs-platform'),
      );
      const service: Json = parseYaml(await source.loadBuiltin(template));
      const exported = Object.values<Json>(platform.Outputs)
        .filter(o => o.Export)
        .map(o => o.Export.Name['Fn::Sub']);
      const imported = new Set<string>();
      const walk = (value: Json) => {
        if (Array.isArray(value)) value.forEach(walk);
        else if (value && typeof value === 'object') {
          for (const [key, item] of Object.entries<Json>(value)) {
            if (key === 'Fn::ImportValue') imported.add(item['Fn::Sub']);
            walk(item);
          }
        }
      };
      walk(service);
      expect([...imported].sort()).toEqual(
        exported.filter(name => imported.has(name)).sort(),
      );
      expect([...imported].filter(name => !exported.includes(name))).toEqual(
        [],
      );
      // The slow parts live in the platform only.
      const types = (t: Json) =>
        Object.values<Json>(t.Resources).map(r => r.Type);
      expect(types(service)).not.toContain(
        'AWS::ElasticLoadBalancingV2::LoadBalancer',
      );
      expect(types(service).includes('AWS::IAM::Role')).toBe(ownRoles);
      expect(types(platform)).toContain(
        'AWS::ElasticLoadBalancingV2::LoadBalancer',
      );
    },
  );

  it('ecs-app-service passes credentials only as secrets and grants exactly the wired bucket and queue', async () => {
    const template: Json = parseYaml(
      await source.loadBuiltin('ecs-app-service'),
    );
    const container =
      template.Resources.TaskDefinition.Properties.ContainerDefinitions[0];
    // Each entry is present only when its parameter is set.
    const entries = (list: Json[]) =>
      list.map(item => (item['Fn::If'] ? item['Fn::If'][1] : item));
    const environmentNames = entries(container.Environment).map(
      (e: Json) => e.Name,
    );
    expect(environmentNames).toEqual([
      'PATH_PREFIX',
      'DATABASE_HOST',
      'DATABASE_PORT',
      'DATABASE_NAME',
      'DATABASE_USER',
      'REDIS_HOST',
      'REDIS_PORT',
      'BUCKET_NAME',
      'QUEUE_URL',
    ]);
    expect(
      environmentNames.filter((n: string) => /PASSWORD|TOKEN|SECRET/.test(n)),
    ).toEqual([]);
    // No environment value comes from a secret ARN parameter.
    expect(JSON.stringify(container.Environment)).not.toMatch(/SecretArn/);
    expect(entries(container.Secrets)).toEqual([
      {
        Name: 'DATABASE_PASSWORD',
        ValueFrom: { 'Fn::Sub': '${DatabaseSecretArn}:password::' },
      },
      { Name: 'REDIS_AUTH_TOKEN', ValueFrom: { Ref: 'CacheSecretArn' } },
    ]);
    // The execution role reads those two secrets and nothing else.
    const execution =
      template.Resources.ExecutionRole.Properties.Policies[0].PolicyDocument
        .Statement;
    expect(execution).toHaveLength(1);
    expect(execution[0].Action).toBe('secretsmanager:GetSecretValue');
    expect(execution[0].Resource.map((r: Json) => r['Fn::If'][1])).toEqual([
      { Ref: 'DatabaseSecretArn' },
      { Ref: 'CacheSecretArn' },
    ]);
    // The task role: the bucket's objects and listing, the queue; no wildcards.
    const statements = entries(
      template.Resources.TaskRole.Properties.Policies[0].PolicyDocument
        .Statement,
    );
    expect(statements.map((st: Json) => st.Resource)).toEqual([
      { Ref: 'BucketArn' },
      { 'Fn::Sub': '${BucketArn}/*' },
      { Ref: 'QueueArn' },
    ]);
    for (const statement of statements) {
      expect(JSON.stringify(statement.Action)).not.toContain('*');
    }
    expect(
      template.Resources.TaskRole.Properties.ManagedPolicyArns,
    ).toBeUndefined();
    // No credential is a parameter whose value the stack would show.
    expect(
      Object.keys(template.Parameters).filter(p => /password|token/i.test(p)),
    ).toEqual([]);
  });

  it('data services keep data private and encrypted, and secrets out of parameters', async () => {
    const load = async (name: 'queue' | 'bucket' | 'postgres' | 'redis') =>
      parseYaml(await source.loadBuiltin(name)) as Json;
    const [queue, bucket, postgres, redis] = await Promise.all([
      load('queue'),
      load('bucket'),
      load('postgres'),
      load('redis'),
    ]);
    expect(queue.Resources.Queue.Properties.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] },
      maxReceiveCount: { Ref: 'MaxReceiveCount' },
    });
    expect(Object.keys(queue.Outputs)).toEqual(
      expect.arrayContaining(['QueueUrl', 'QueueArn']),
    );

    const b = bucket.Resources.Bucket.Properties;
    expect(b.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(
      b.BucketEncryption.ServerSideEncryptionConfiguration[0]
        .ServerSideEncryptionByDefault.SSEAlgorithm,
    ).toBe('AES256');
    // The driver empties the bucket; a retained one would keep its data.
    expect(bucket.Resources.Bucket.DeletionPolicy).toBeUndefined();

    // Exactly one database exists, with the deletion behaviour chosen.
    const databases = ['DatabaseWithFinalSnapshot', 'Database'].map(
      id => postgres.Resources[id],
    );
    expect(databases.map(d => d.DeletionPolicy)).toEqual([
      'Snapshot',
      'Delete',
    ]);
    expect(databases.map(d => d.Condition)).toEqual([
      'SnapshotOnDelete',
      'DeleteOnDelete',
    ]);
    for (const { Properties: db } of databases) {
      expect(db).toMatchObject({
        StorageEncrypted: true,
        PubliclyAccessible: false,
        DBInstanceClass: { Ref: 'InstanceClass' },
        // The password only ever as a dynamic reference to the stack's
        // secret, never a parameter.
        MasterUserPassword: {
          'Fn::Sub':
            '{{resolve:secretsmanager:${MasterSecret}:SecretString:password}}',
        },
      });
      expect(db.ManageMasterUserPassword).toBeUndefined();
    }
    expect(postgres.Resources.MasterSecret).toMatchObject({
      Type: 'AWS::SecretsManager::Secret',
      Properties: {
        GenerateSecretString: { GenerateStringKey: 'password' },
      },
    });
    expect(postgres.Outputs.SecretArn.Value).toEqual({ Ref: 'MasterSecret' });
    expect(
      Object.values<any>(postgres.Parameters).filter(p => p.NoEcho),
    ).toEqual([]);
    expect(postgres.Parameters.InstanceClass.AllowedValues).toEqual([
      'db.t4g.micro',
      'db.t4g.small',
      'db.t4g.medium',
    ]);
    expect(Object.keys(postgres.Outputs)).toEqual(
      expect.arrayContaining(['Host', 'Port', 'DatabaseName', 'SecretArn']),
    );

    expect(redis.Resources.Cache.Properties).toMatchObject({
      TransitEncryptionEnabled: true,
      AtRestEncryptionEnabled: true,
      AuthToken: {
        'Fn::Sub': '{{resolve:secretsmanager:${AuthToken}}}',
      },
    });
    // No template takes a password or token as a parameter.
    for (const template of [postgres, redis]) {
      expect(
        Object.keys(template.Parameters).filter(p =>
          /password|token|secret/i.test(p),
        ),
      ).toEqual([]);
    }
  });

  it('network leaves the NAT gateway to nat-egress only when asked', async () => {
    const load = async (name: Parameters<TemplateSource['loadBuiltin']>[0]) =>
      parseYaml(await source.loadBuiltin(name)) as Json;
    const [network, egress] = await Promise.all([
      load('network'),
      load('nat-egress'),
    ]);
    // Default: the NAT gateway stays in the network, as every template
    // that does not set the parameter had it.
    expect(network.Parameters.PrivateEgress).toMatchObject({
      Default: 'NatGateway',
      AllowedValues: ['NatGateway', 'None'],
    });
    expect(network.Conditions.CreateNatGateway).toEqual({
      'Fn::And': [
        { Condition: 'CreatePrivateSubnets' },
        { 'Fn::Equals': [{ Ref: 'PrivateEgress' }, 'NatGateway'] },
      ],
    });
    // The same three resources, in one stack or the other.
    for (const id of ['NatAddress', 'NatGateway', 'PrivateDefaultRoute']) {
      expect(network.Resources[id].Condition).toBe('CreateNatGateway');
      expect(egress.Resources[id].Type).toBe(network.Resources[id].Type);
    }
    expect(Object.keys(egress.Resources).sort()).toEqual(
      ['NatAddress', 'NatGateway', 'PrivateDefaultRoute'].sort(),
    );
    // The private subnets and their route table exist either way.
    for (const id of [
      'PrivateSubnet1',
      'PrivateSubnet2',
      'PrivateRouteTable',
    ]) {
      expect(network.Resources[id].Condition).toBe('CreatePrivateSubnets');
    }
    expect(network.Outputs.PrivateRouteTableId).toEqual(
      expect.objectContaining({
        Condition: 'CreatePrivateSubnets',
        Value: { Ref: 'PrivateRouteTable' },
      }),
    );
    expect(network.Outputs.PublicSubnet1Id.Value).toEqual({
      Ref: 'PublicSubnet1',
    });
    expect(egress.Resources.NatGateway.Properties.SubnetId).toEqual({
      Ref: 'PublicSubnetId',
    });
    expect(egress.Resources.PrivateDefaultRoute.Properties).toEqual({
      RouteTableId: { Ref: 'PrivateRouteTableId' },
      DestinationCidrBlock: '0.0.0.0/0',
      NatGatewayId: { Ref: 'NatGateway' },
    });
  });

  describe('against the sandbox', () => {
    let sandbox: Sandbox;
    beforeAll(async () => {
      sandbox = await startSandbox({ port: 0, profile: 'fast' });
    });
    afterAll(() => sandbox.stop());

    it.each([
      ['network', []],
      ['ecs-service', ['CAPABILITY_IAM']],
      ['ecs-platform', ['CAPABILITY_IAM']],
      // Imports the platform's execution role: no IAM of its own.
      ['ecs-service-shared', []],
      // Its own execution and task roles when secrets or data are wired in.
      ['ecs-app-service', ['CAPABILITY_IAM']],
      ['queue', []],
      ['bucket', []],
      ['postgres', []],
      ['redis', []],
      ['nat-egress', []],
    ])(
      '%s passes aws cloudformation validate-template',
      async (name, capabilities) => {
        const path = join(builtinTemplateDirectory(), `${name}.yaml`);
        const result = await awsCli(sandbox, [
          'cloudformation',
          'validate-template',
          '--template-body',
          `file://${path}`,
        ]);
        expect(result.stderr).toBe('');
        expect(result.code).toBe(0);
        expect(JSON.parse(result.stdout).Capabilities).toEqual(capabilities);
      },
    );
  });
});

const REPO_ROOT = resolve(__dirname, '../../../..');
const readExample = (name: string): Json =>
  parseYaml(
    readFileSync(join(REPO_ROOT, 'examples/templates', `${name}.yaml`), 'utf8'),
  );

describe.each([
  [
    'ecs-platform-base',
    ['builtin:network', 'builtin:ecs-platform'],
    '${{ resources.platform.outputs.Endpoint }}',
  ],
  [
    'ecs-web-service-shared',
    ['builtin:ecs-service-shared'],
    '${{ resources.service.outputs.Endpoint }}',
  ],
  [
    'web-app-full-stack',
    [
      'builtin:network',
      'builtin:nat-egress',
      'builtin:ecs-platform',
      'builtin:postgres',
      'builtin:redis',
      'builtin:bucket',
      'builtin:queue',
      'builtin:ecs-app-service',
      'builtin:ecs-app-service',
    ],
    '${{ resources.platform.outputs.Endpoint }}',
  ],
])('examples/templates/%s.yaml', (name, builtins, endpoint) => {
  it('is a valid EnvironmentTemplate wired to the built-in templates and registered in the example app', () => {
    const entity = readExample(name);
    const parsed = validateEnvironmentTemplate(entity, {
      knownDrivers: ['aws-cloudformation', 'kubernetes-namespace'],
    });
    expect(parsed.metadata.name).toBe(name);
    expect(parsed.spec.resources.map(r => r.parameters?.template)).toEqual(
      builtins,
    );
    expect(parsed.spec.outputs.endpoint).toBe(endpoint);
    const appConfig = readFileSync(join(REPO_ROOT, 'app-config.yaml'), 'utf8');
    expect(appConfig).toContain(`../../examples/templates/${name}.yaml`);
  });
});

describe('examples/templates/ecs-web-service.yaml', () => {
  it('is a valid EnvironmentTemplate wired to the built-in templates', () => {
    const entity = readExample('ecs-web-service');
    const parsed = validateEnvironmentTemplate(entity, {
      knownDrivers: ['aws-cloudformation', 'kubernetes-namespace'],
    });
    expect(parsed.metadata.name).toBe('ecs-web-service');
    expect(parsed.spec.resources.map(r => r.parameters?.template)).toEqual([
      'builtin:network',
      'builtin:ecs-service',
    ]);
    expect(parsed.spec.outputs.endpoint).toBe(
      '${{ resources.service.outputs.Endpoint }}',
    );
  });
});

describe('examples/templates/web-app-full-stack.yaml layout', () => {
  const entity = readExample('web-app-full-stack');
  const byName: Record<string, Json> = Object.fromEntries(
    entity.spec.resources.map((r: Json) => [r.name, r]),
  );
  /** Every resource `name` waits for, directly or through others. */
  const waitsFor = (name: string, seen = new Set<string>()): Set<string> => {
    for (const dep of byName[name].dependsOn ?? []) {
      if (!seen.has(dep)) {
        seen.add(dep);
        waitsFor(dep, seen);
      }
    }
    return seen;
  };

  it('keeps the NAT gateway off the path of the database, cache and load balancer, not the services', () => {
    expect(byName.network.parameters.parameters.PrivateEgress).toBe('None');
    expect(byName.egress.parameters).toMatchObject({
      template: 'builtin:nat-egress',
      parameters: {
        PublicSubnetId: '${{ resources.network.outputs.PublicSubnet1Id }}',
        PrivateRouteTableId:
          '${{ resources.network.outputs.PrivateRouteTableId }}',
      },
    });
    for (const name of ['egress', 'db', 'cache', 'platform']) {
      expect([...waitsFor(name)]).toEqual(['network']);
    }
    // Tasks in the private subnets pull images through the NAT gateway.
    for (const service of ['web', 'api']) {
      expect(waitsFor(service)).toEqual(
        new Set([
          'network',
          'egress',
          'platform',
          'db',
          'cache',
          'files',
          'jobs',
        ]),
      );
    }
  });

  it('still gives the services the database’s and cache’s own addresses and secrets', () => {
    for (const service of ['web', 'api']) {
      const p = byName[service].parameters.parameters;
      expect(p).toMatchObject({
        DatabaseHost: '${{ resources.db.outputs.Host }}',
        DatabasePort: '${{ resources.db.outputs.Port }}',
        DatabaseSecretArn: '${{ resources.db.outputs.SecretArn }}',
        CacheHost: '${{ resources.cache.outputs.Host }}',
        CachePort: '${{ resources.cache.outputs.Port }}',
        CacheSecretArn: '${{ resources.cache.outputs.SecretArn }}',
      });
    }
    expect(entity.spec.outputs.databaseHost).toBe(
      '${{ resources.db.outputs.Host }}',
    );
    expect(entity.spec.outputs.cacheHost).toBe(
      '${{ resources.cache.outputs.Host }}',
    );
  });
});
