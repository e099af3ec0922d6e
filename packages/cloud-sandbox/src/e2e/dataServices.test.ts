/**
 * Acceptance: the real AWS CLI sees the buckets and queues a stack made,
 * tagged as the stack is, and a non-empty bucket blocks the stack's delete
 * exactly as it does on AWS.
 */
import { awsCliSuite } from '../__testUtils__/awsCliSuite';
import { aws } from '../__testUtils__/helpers';

jest.setTimeout(120_000);

const TEMPLATE = `
Resources:
  DeadLetterQueue:
    Type: AWS::SQS::Queue
    Properties:
      MessageRetentionPeriod: 1209600
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 60
      RedrivePolicy:
        deadLetterTargetArn: !GetAtt DeadLetterQueue.Arn
        maxReceiveCount: 5
      Tags:
        - Key: role
          Value: jobs
  Bucket:
    Type: AWS::S3::Bucket
Outputs:
  QueueUrl:
    Value: !Ref Queue
  QueueArn:
    Value: !GetAtt Queue.Arn
  QueueName:
    Value: !GetAtt Queue.QueueName
  BucketName:
    Value: !Ref Bucket
  BucketArn:
    Value: !GetAtt Bucket.Arn
`;

const DATABASE_TEMPLATE = `
Resources:
  SubnetGroup:
    Type: AWS::RDS::DBSubnetGroup
    Properties:
      DBSubnetGroupDescription: private subnets
      SubnetIds: [subnet-0123456789abcdef0, subnet-0123456789abcdef1]
  Database:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      EngineVersion: '16.4'
      DBInstanceClass: db.t4g.micro
      AllocatedStorage: '20'
      DBName: app
      MasterUsername: app
      ManageMasterUserPassword: true
      StorageEncrypted: true
      DBSubnetGroupName: !Ref SubnetGroup
  AuthToken:
    Type: AWS::SecretsManager::Secret
    Properties:
      Description: Redis auth token
      GenerateSecretString:
        PasswordLength: 32
        ExcludePunctuation: true
  Cache:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupDescription: cache
      Engine: valkey
      CacheNodeType: cache.t4g.micro
      NumCacheClusters: 1
      TransitEncryptionEnabled: true
      AtRestEncryptionEnabled: true
      AuthToken: !Sub '{{resolve:secretsmanager:\${AuthToken}}}'
Outputs:
  Host:
    Value: !GetAtt Database.Endpoint.Address
  Port:
    Value: !GetAtt Database.Endpoint.Port
  SecretArn:
    Value: !GetAtt Database.MasterUserSecret.SecretArn
  CacheHost:
    Value: !GetAtt Cache.PrimaryEndPoint.Address
  CachePort:
    Value: !GetAtt Cache.PrimaryEndPoint.Port
  AuthTokenArn:
    Value: !Ref AuthToken
`;

describe('data services through the AWS CLI', () => {
  const suite = awsCliSuite('data');
  const ENV_TAG = { key: 'envkit.io/environment', value: 'data' };

  const { cli } = suite;
  const describeSecret = (arn: string) =>
    cli('secretsmanager', 'describe-secret', '--secret-id', arn);
  const settled = suite.settledStack;
  /** Creates the stack tagged with `tag`; its entry once settled. */
  const createTagged = async (
    stackName: string,
    template: string,
    tag: { key: string; value: string },
  ) => {
    const result = await suite.createStack(
      stackName,
      template,
      '--tags',
      `Key=${tag.key},Value=${tag.value}`,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    return settled(stackName);
  };

  it('tags, fills and refuses to delete a non-empty bucket', async () => {
    const created = await createTagged('data', TEMPLATE, ENV_TAG);
    expect(created).toMatchObject({ status: 'CREATE_COMPLETE' });
    const outputs = created!.outputs;
    expect(outputs.QueueUrl).toBe(
      `https://sqs.us-east-1.amazonaws.com/000000000000/${outputs.QueueName}`,
    );
    expect(outputs.QueueName).toMatch(/^data-Queue-[A-Z0-9]{12}$/);
    expect(outputs.QueueArn).toBe(
      `arn:aws:sqs:us-east-1:000000000000:${outputs.QueueName}`,
    );
    expect(outputs.BucketArn).toBe(`arn:aws:s3:::${outputs.BucketName}`);

    // SQS: the stack's tag and the queue's own, and the dead-letter wiring.
    const tags = await cli(
      'sqs',
      'list-queue-tags',
      '--queue-url',
      outputs.QueueUrl,
    );
    expect(tags.Tags).toEqual({ [ENV_TAG.key]: ENV_TAG.value, role: 'jobs' });
    const attributes = await cli(
      'sqs',
      'get-queue-attributes',
      '--queue-url',
      outputs.QueueUrl,
      '--attribute-names',
      'All',
    );
    expect(attributes.Attributes).toMatchObject({
      QueueArn: outputs.QueueArn,
      VisibilityTimeout: '60',
      SqsManagedSseEnabled: 'true',
    });
    const redrive = JSON.parse(attributes.Attributes.RedrivePolicy);
    expect(redrive.deadLetterTargetArn).toMatch(
      /^arn:aws:sqs:us-east-1:000000000000:data-DeadLetterQueue-/,
    );
    expect(redrive.maxReceiveCount).toBe(5);

    // S3: tagged like the stack; an object put through the CLI is listed.
    const bucket = outputs.BucketName;
    const tagging = await cli(
      's3api',
      'get-bucket-tagging',
      '--bucket',
      bucket,
    );
    expect(tagging.TagSet).toEqual([
      { Key: ENV_TAG.key, Value: ENV_TAG.value },
    ]);
    await cli(
      's3api',
      'put-object',
      '--bucket',
      bucket,
      '--key',
      'uploads/report.csv',
      '--body',
      suite.file('report.csv', 'id,total\n1,42\n'),
    );
    const listed = await cli('s3api', 'list-objects-v2', '--bucket', bucket);
    expect(listed.Contents.map((o: { Key: string }) => o.Key)).toEqual([
      'uploads/report.csv',
    ]);

    // CloudFormation alone cannot delete a bucket that holds objects.
    await cli('cloudformation', 'delete-stack', '--stack-name', 'data');
    const failed = await settled('data');
    expect(failed).toMatchObject({ status: 'DELETE_FAILED' });
    const events = await cli(
      'cloudformation',
      'describe-stack-events',
      '--stack-name',
      'data',
    );
    const [latest] = events.StackEvents;
    const bucketFailure = events.StackEvents.find(
      (e: { LogicalResourceId: string }) => e.LogicalResourceId === 'Bucket',
    );
    expect(latest.ResourceStatusReason).toBe(
      'The following resource(s) failed to delete: [Bucket]. ',
    );
    expect(bucketFailure).toMatchObject({
      LogicalResourceId: 'Bucket',
      ResourceStatus: 'DELETE_FAILED',
    });
    expect(bucketFailure.ResourceStatusReason).toMatch(
      /^The bucket you tried to delete is not empty \(Service: Amazon S3; Status Code: 409; Error Code: BucketNotEmpty; Request ID: [A-Z0-9]{16}; S3 Extended Request ID: \S+; Proxy: null\)$/,
    );
    expect(suite.sandbox.controls.taggedResources(ENV_TAG)).toEqual([
      expect.objectContaining({ arn: `arn:aws:s3:::${bucket}` }),
    ]);

    // Emptied, the bucket goes, and nothing tagged with the stack is left.
    await cli(
      's3api',
      'delete-object',
      '--bucket',
      bucket,
      '--key',
      'uploads/report.csv',
    );
    await cli('cloudformation', 'delete-stack', '--stack-name', 'data');
    expect(await settled('data')).toBeUndefined();
    expect(suite.sandbox.controls.taggedResources(ENV_TAG)).toEqual([]);
    const missing = await aws(suite.sandbox, [
      's3api',
      'get-bucket-tagging',
      '--bucket',
      bucket,
    ]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('NoSuchBucket');
  });

  it('describes a database, a cache and their secrets, tagged with the stack', async () => {
    const tag = { key: 'envkit.io/environment', value: 'db' };
    const created = await createTagged('db', DATABASE_TEMPLATE, tag);
    expect(created).toMatchObject({ status: 'CREATE_COMPLETE' });
    const outputs = created!.outputs;
    expect(outputs.Host).toMatch(
      /^db-database-[a-z0-9]{12}\.[0-9a-f]{12}\.us-east-1\.rds\.amazonaws\.com$/,
    );
    expect(outputs.Port).toBe('5432');
    expect(outputs.SecretArn).toMatch(
      /^arn:aws:secretsmanager:us-east-1:000000000000:secret:rds!db-[0-9a-f-]{36}-[A-Za-z0-9]{6}$/,
    );
    expect(outputs.CacheHost).toMatch(
      /^master\.db-cache-[a-z0-9]{12}\.[0-9a-f]{6}\.use1\.cache\.amazonaws\.com$/,
    );
    expect(outputs.CachePort).toBe('6379');

    const identifier = outputs.Host.split('.')[0];
    const { DBInstances } = await cli(
      'rds',
      'describe-db-instances',
      '--db-instance-identifier',
      identifier,
    );
    expect(DBInstances).toHaveLength(1);
    expect(DBInstances[0]).toMatchObject({
      DBInstanceIdentifier: identifier,
      Engine: 'postgres',
      DBInstanceClass: 'db.t4g.micro',
      DBName: 'app',
      StorageEncrypted: true,
      PubliclyAccessible: false,
      Endpoint: { Address: outputs.Host, Port: 5432 },
      MasterUserSecret: { SecretArn: outputs.SecretArn },
      TagList: [{ Key: tag.key, Value: tag.value }],
    });

    const groups = await cli('elasticache', 'describe-replication-groups');
    const [group] = groups.ReplicationGroups;
    expect(group).toMatchObject({
      Status: 'available',
      TransitEncryptionEnabled: true,
      AuthTokenEnabled: true,
      NodeGroups: [
        {
          PrimaryEndpoint: { Address: outputs.CacheHost, Port: 6379 },
        },
      ],
    });
    const cacheTags = await cli(
      'elasticache',
      'list-tags-for-resource',
      '--resource-name',
      group.ARN,
    );
    expect(cacheTags.TagList).toEqual([{ Key: tag.key, Value: tag.value }]);

    const token = await describeSecret(outputs.AuthTokenArn);
    expect(token).toMatchObject({
      ARN: outputs.AuthTokenArn,
      Description: 'Redis auth token',
      Tags: [{ Key: tag.key, Value: tag.value }],
    });
    const managed = await describeSecret(outputs.SecretArn);
    expect(managed).toMatchObject({
      ARN: outputs.SecretArn,
      OwningService: 'rds',
    });
    expect(JSON.stringify([token, managed, DBInstances])).not.toMatch(
      /SecretString|MasterUserPassword/,
    );

    await cli('cloudformation', 'delete-stack', '--stack-name', 'db');
    expect(await settled('db')).toBeUndefined();
    expect(suite.sandbox.controls.taggedResources()).toEqual([]);
    const gone = await aws(suite.sandbox, [
      'rds',
      'describe-db-instances',
      '--db-instance-identifier',
      identifier,
    ]);
    expect(gone.stderr).toContain('DBInstanceNotFound');
  });
});
