import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadAwsServiceSpec } from '@aws-cdk/aws-service-spec';
import {
  DATA_RESOURCE_REPLACING_PROPERTIES,
  dataLossOfUpdate,
  describeDataLoss,
} from './replacementGuard';

const builtin = (name: string) =>
  readFile(
    join(__dirname, '../../templates/cloudformation', `${name}.yaml`),
    'utf8',
  );

describe('replacementGuard', () => {
  it("lists exactly the properties the CloudFormation specification says replace each data resource (plus a DB instance's Engine)", async () => {
    const db = await loadAwsServiceSpec();
    for (const [type, listed] of Object.entries(
      DATA_RESOURCE_REPLACING_PROPERTIES,
    )) {
      const [resource] = db.lookup(
        'resource',
        'cloudFormationType',
        'equals',
        type,
      );
      const replacing = Object.entries<any>(resource.properties)
        .filter(([, p]) => p.causesReplacement === 'yes')
        .map(([name]) => name);
      const expected =
        type === 'AWS::RDS::DBInstance' ? [...replacing, 'Engine'] : replacing;
      expect([...listed].sort()).toEqual([...expected].sort());
    }
  });

  it('lets a resize of builtin:postgres through and names what a new database name or deletion behaviour would do', async () => {
    const body = await builtin('postgres');
    const deployed = {
      body,
      parameters: { VpcId: 'vpc-1', SubnetIds: 'subnet-1,subnet-2' },
    };
    const next = (parameters: Record<string, string>) => ({
      body,
      parameters: { ...deployed.parameters, ...parameters },
    });
    expect(
      dataLossOfUpdate(
        deployed,
        next({
          InstanceClass: 'db.t4g.medium',
          AllocatedStorage: '50',
          EngineVersion: '17',
        }),
      ),
    ).toEqual([]);
    expect(
      dataLossOfUpdate(deployed, next({ DatabaseName: 'orders' })),
    ).toEqual([
      {
        logicalId: 'DatabaseWithFinalSnapshot',
        type: 'AWS::RDS::DBInstance',
        change: 'replaced',
        properties: ['DBName'],
      },
    ]);
    // The default is Snapshot: switching to Delete swaps the resources.
    expect(
      dataLossOfUpdate(deployed, next({ DeletionBehaviour: 'Delete' })),
    ).toEqual([
      expect.objectContaining({
        logicalId: 'DatabaseWithFinalSnapshot',
        change: 'deleted',
      }),
    ]);
  });

  it('refuses a new cache engine but not a bigger node', async () => {
    const body = await builtin('redis');
    const deployed = { body, parameters: { VpcId: 'vpc-1' } };
    expect(
      dataLossOfUpdate(deployed, {
        body,
        parameters: { VpcId: 'vpc-1', NodeType: 'cache.t4g.small' },
      }),
    ).toEqual([]);
    expect(
      dataLossOfUpdate(deployed, {
        body,
        parameters: { VpcId: 'vpc-1', Engine: 'redis' },
      }).map(l => [l.logicalId, l.properties]),
    ).toEqual([['Cache', ['Engine']]]);
  });

  it('reads short-form YAML and sees a renamed queue or a removed bucket', () => {
    const after = `
Parameters:
  Name: { Type: String }
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: !Sub '\${Name}-jobs'
`;
    // The same template with a bucket, which the update removes.
    const before = `${after}  Files:
    Type: AWS::S3::Bucket
`;
    const same = dataLossOfUpdate(
      { body: before, parameters: { Name: 'a' } },
      { body: before, parameters: { Name: 'a' } },
    );
    expect(same).toEqual([]);
    const losses = dataLossOfUpdate(
      { body: before, parameters: { Name: 'a' } },
      { body: after, parameters: { Name: 'b' } },
    );
    expect(losses).toEqual([
      expect.objectContaining({
        logicalId: 'Queue',
        properties: ['QueueName'],
      }),
      expect.objectContaining({ logicalId: 'Files', change: 'deleted' }),
    ]);
    expect(describeDataLoss('envkit-x', losses)).toMatch(
      /^Update of stack envkit-x refused: Queue \(AWS::SQS::Queue\) would be replaced, because QueueName changed, and its data lost; Files \(AWS::S3::Bucket\) would be deleted and its data lost\./,
    );
  });
});
