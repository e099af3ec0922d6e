import fs from 'node:fs';
import path from 'node:path';
import { estimateTemplate } from './estimateTemplate';

const builtin = (name: string) =>
  fs.readFileSync(
    path.resolve(__dirname, `../../templates/cloudformation/${name}.yaml`),
    'utf8',
  );

const byItem = (lines: ReturnType<typeof estimateTemplate>) =>
  Object.fromEntries((lines ?? []).map(l => [l.item, l]));

describe('estimateTemplate', () => {
  it('prices the built-in ECS service from its task size and count, and the load balancer', () => {
    const lines = estimateTemplate(builtin('ecs-service'), {
      Cpu: '512',
      Memory: '1024',
      DesiredCount: '2',
      AssignPublicIp: 'ENABLED',
    });
    const items = byItem(lines);
    // 2 tasks × 0.5 vCPU × 730 h at $0.04048.
    expect(items['Fargate vCPU (Service)']).toMatchObject({
      quantity: 730,
      unit: 'vCPU-hour',
      monthly: 29.55,
      whileRunning: true,
    });
    // 2 tasks × 1 GB × 730 h at $0.004445.
    expect(items['Fargate memory (Service)'].monthly).toBe(6.49);
    expect(items['Public IPv4 of tasks (Service)'].monthly).toBe(7.3);
    expect(items['Application Load Balancer (LoadBalancer)']).toMatchObject({
      monthly: 16.43,
      whileRunning: false,
    });
    expect(items['Load balancer capacity (LoadBalancer)'].assumption).toMatch(
      /one LCU/,
    );
    expect(items['CloudWatch Logs ingestion (LogGroup)'].monthly).toBe(0.5);
  });

  it('uses the template defaults for parameters not given, and prices nothing for tasks scaled to zero', () => {
    const items = byItem(
      estimateTemplate(builtin('ecs-service'), { DesiredCount: '0' }),
    );
    expect(items['Fargate vCPU (Service)'].monthly).toBe(0);
    expect(items['Public IPv4 of tasks (Service)']).toBeUndefined();
    const defaults = byItem(estimateTemplate(builtin('ecs-service'), {}));
    // Default 256 CPU units, 512 MiB, one task.
    expect(defaults['Fargate vCPU (Service)'].quantity).toBe(182.5);
    expect(defaults['Fargate memory (Service)'].quantity).toBe(365);
  });

  it('reads YAML short forms as CloudFormation does', () => {
    // A platform team's own template, written with !Ref and !Equals.
    const body = [
      'Parameters:',
      '  Cpu: { Type: String, Default: "1024" }',
      '  Memory: { Type: String, Default: "2048" }',
      '  Count: { Type: Number, Default: 3 }',
      '  Egress: { Type: String, Default: "nat" }',
      'Conditions:',
      '  WithNat: !Equals [!Ref Egress, "nat"]',
      'Resources:',
      '  Task:',
      '    Type: AWS::ECS::TaskDefinition',
      '    Properties:',
      '      Cpu: !Ref Cpu',
      '      Memory: !Ref Memory',
      '      RequiresCompatibilities: [FARGATE]',
      '  Service:',
      '    Type: AWS::ECS::Service',
      '    Properties:',
      '      LaunchType: FARGATE',
      '      TaskDefinition: !Ref Task',
      '      DesiredCount: !Ref Count',
      '  Nat:',
      '    Type: AWS::EC2::NatGateway',
      '    Condition: WithNat',
    ].join('\n');
    const items = byItem(estimateTemplate(body, {}));
    // 3 tasks × 1 vCPU × 730 h, 3 tasks × 2 GB × 730 h.
    expect(items['Fargate vCPU (Service)'].quantity).toBe(2190);
    expect(items['Fargate memory (Service)'].quantity).toBe(4380);
    expect(items['NAT gateway (Nat)']).toBeDefined();
    const without = byItem(estimateTemplate(body, { Egress: 'none' }));
    expect(without['NAT gateway (Nat)']).toBeUndefined();
  });

  it('charges the NAT gateway only when the network is asked for private subnets', () => {
    expect(
      byItem(estimateTemplate(builtin('network'), {}))[
        'NAT gateway (NatGateway)'
      ],
    ).toBeUndefined();
    const items = byItem(
      estimateTemplate(builtin('network'), { EnablePrivateSubnets: 'true' }),
    );
    expect(items['NAT gateway (NatGateway)'].monthly).toBe(32.85);
    expect(items['Elastic IP (NatAddress)'].monthly).toBe(3.65);
    expect(items['NAT data processed (NatGateway)'].assumption).toMatch(
      /10 GB/,
    );
  });

  it('moves the NAT gateway to builtin:nat-egress when the network has no egress of its own', () => {
    const network = byItem(
      estimateTemplate(builtin('network'), {
        EnablePrivateSubnets: 'true',
        PrivateEgress: 'None',
      }),
    );
    expect(network['NAT gateway (NatGateway)']).toBeUndefined();
    expect(network['Elastic IP (NatAddress)']).toBeUndefined();
    const egress = byItem(estimateTemplate(builtin('nat-egress'), {}));
    // The same charges the network has with its default NatGateway.
    const withNat = byItem(
      estimateTemplate(builtin('network'), { EnablePrivateSubnets: 'true' }),
    );
    for (const item of [
      'NAT gateway (NatGateway)',
      'Elastic IP (NatAddress)',
    ]) {
      expect(egress[item].monthly).toBeGreaterThan(0);
      expect(egress[item].monthly).toBe(withNat[item].monthly);
    }
  });

  it('prices databases and caches by class, and states the assumptions of usage-priced services', () => {
    const body = JSON.stringify({
      Parameters: { DbClass: { Type: 'String', Default: 'db.t4g.micro' } },
      Resources: {
        Db: {
          Type: 'AWS::RDS::DBInstance',
          Properties: {
            DBInstanceClass: { Ref: 'DbClass' },
            AllocatedStorage: 50,
          },
        },
        Cache: {
          Type: 'AWS::ElastiCache::ReplicationGroup',
          Properties: { CacheNodeType: 'cache.t4g.small', NumCacheClusters: 2 },
        },
        Files: { Type: 'AWS::S3::Bucket' },
        Jobs: { Type: 'AWS::SQS::Queue' },
        Role: { Type: 'AWS::IAM::Role' },
      },
    });
    const items = byItem(estimateTemplate(body, {}));
    expect(items['RDS db.t4g.micro (Db)'].monthly).toBe(11.68);
    expect(items['RDS storage (Db)'].monthly).toBe(5.75);
    expect(items['ElastiCache cache.t4g.small (Cache)'].monthly).toBe(46.72);
    expect(items['S3 storage (Files)'].assumption).toBe('1 GB stored');
    expect(items['SQS requests (Jobs)'].assumption).toMatch(/one million/);
    expect(Object.keys(items).some(k => k.includes('Role'))).toBe(false);
  });

  it('gives up on a body it cannot read', () => {
    expect(estimateTemplate('Resources: [unclosed', {})).toBeUndefined();
  });
});
