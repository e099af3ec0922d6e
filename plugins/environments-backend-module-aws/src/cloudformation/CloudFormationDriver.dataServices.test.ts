/**
 * The data-service built-ins deployed by the driver on the sandbox: the real
 * AWS CLI sees each resource tagged with its environment, credentials only as
 * secret ARNs, and destroy leaves nothing tagged behind.
 */
import {
  applyUntilSettled,
  awsCli,
  cfnResource,
  contextFor,
  expectDestroyed,
  environment,
} from './__testUtils__/harness';
import { leftoversOf, useSandboxSuite } from './__testUtils__/sandboxSuite';

jest.setTimeout(180_000);

describe('data-service built-ins on the sandbox', () => {
  const suite = useSandboxSuite();

  const cli = async (...args: string[]) => {
    const result = await awsCli(suite.sandbox, args);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout);
  };

  it('deploys postgres, redis and a queue in private subnets; the CLI sees them tagged', async () => {
    const env = environment('stack');
    const envTag = { Key: 'envkit:environment', Value: env.id };
    const network = cfnResource('network', {
      template: 'builtin:network',
      parameters: { EnablePrivateSubnets: 'true' },
    });
    const net = await applyUntilSettled(
      suite.driver,
      network,
      contextFor(env, 'network'),
    );
    expect(net.status).toBe('Ready');
    const placement = {
      VpcId: net.outputs!.VpcId,
      SubnetIds: net.outputs!.PrivateSubnetIds,
    };
    const data = [
      cfnResource('db', {
        template: 'builtin:postgres',
        parameters: { ...placement, DeletionBehaviour: 'Delete' },
      }),
      cfnResource('cache', {
        template: 'builtin:redis',
        parameters: placement,
      }),
      cfnResource('jobs', { template: 'builtin:queue' }),
    ];
    const [db, cache, jobs] = await Promise.all(
      data.map(r =>
        applyUntilSettled(suite.driver, r, contextFor(env, r.name)),
      ),
    );
    for (const result of [db, cache, jobs]) expect(result.status).toBe('Ready');

    expect(db.outputs).toMatchObject({
      Port: '5432',
      DatabaseName: 'app',
      Host: expect.stringMatching(/\.us-east-1\.rds\.amazonaws\.com$/),
      SecretArn: expect.stringMatching(
        /^arn:aws:secretsmanager:us-east-1:\d{12}:secret:/,
      ),
    });
    expect(db.outputs!.SecretArn).not.toContain('rds!db-');
    const [instance] = (
      await cli(
        'rds',
        'describe-db-instances',
        '--db-instance-identifier',
        db.outputs!.Host.split('.')[0],
      )
    ).DBInstances;
    expect(instance).toMatchObject({
      StorageEncrypted: true,
      PubliclyAccessible: false,
      DBInstanceClass: 'db.t4g.micro',
    });
    // The password is the stack's secret, not an RDS-managed one ...
    expect(instance.MasterUserSecret).toBeUndefined();
    expect(instance.TagList).toEqual(expect.arrayContaining([envTag]));
    // ... so the secret carries the environment's tag, and RDS got the
    // password in it by the dynamic reference CloudFormation resolved.
    const dbSecret = await cli(
      'secretsmanager',
      'describe-secret',
      '--secret-id',
      db.outputs!.SecretArn,
    );
    expect(dbSecret.Tags).toEqual(expect.arrayContaining([envTag]));
    expect(dbSecret.OwningService).toBeUndefined();
    expect(
      suite.sandbox.controls.masterPasswordMatches(
        instance.DBInstanceIdentifier,
        db.outputs!.SecretArn,
      ),
    ).toBe(true);

    const [group] = (await cli('elasticache', 'describe-replication-groups'))
      .ReplicationGroups;
    expect(group).toMatchObject({
      TransitEncryptionEnabled: true,
      AtRestEncryptionEnabled: true,
      AuthTokenEnabled: true,
    });
    expect(group.NodeGroups[0].PrimaryEndpoint.Address).toBe(
      cache.outputs!.Host,
    );
    expect(
      (
        await cli(
          'elasticache',
          'list-tags-for-resource',
          '--resource-name',
          group.ARN,
        )
      ).TagList,
    ).toEqual(expect.arrayContaining([envTag]));
    const token = await cli(
      'secretsmanager',
      'describe-secret',
      '--secret-id',
      cache.outputs!.SecretArn,
    );
    expect(token.Tags).toEqual(expect.arrayContaining([envTag]));

    const queueTags = await cli(
      'sqs',
      'list-queue-tags',
      '--queue-url',
      jobs.outputs!.QueueUrl,
    );
    expect(queueTags.Tags[envTag.Key]).toBe(env.id);
    const attributes = await cli(
      'sqs',
      'get-queue-attributes',
      '--queue-url',
      jobs.outputs!.QueueUrl,
      '--attribute-names',
      'RedrivePolicy',
    );
    expect(
      JSON.parse(attributes.Attributes.RedrivePolicy).deadLetterTargetArn,
    ).toBe(jobs.outputs!.DeadLetterQueueArn);

    // No output carries a credential, only where to read it.
    const outputs = JSON.stringify([db.outputs, cache.outputs, jobs.outputs]);
    expect(outputs).not.toMatch(/password|AuthToken"/i);

    for (const r of [...data, network]) {
      await expectDestroyed(suite.driver, r, contextFor(env, r.name));
    }
    expect(leftoversOf(suite.sandbox, env)).toEqual([]);
  });
});
