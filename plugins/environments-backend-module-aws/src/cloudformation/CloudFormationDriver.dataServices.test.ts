/**
 * The data-service built-ins deployed by the driver on the sandbox: the real
 * AWS CLI sees each resource tagged with its environment, credentials only as
 * secret ARNs, and destroy leaves nothing tagged behind.
 */
import { cfnResource, environment } from './__testUtils__/harness';
import {
  describeOnSandbox,
  postgresOn,
  PRIVATE_NETWORK,
} from './__testUtils__/sandboxSuite';

describeOnSandbox(
  'data-service built-ins on the sandbox',
  suite => {
    const { cli } = suite;
    const describeSecret = (arn: string) =>
      cli('secretsmanager', 'describe-secret', '--secret-id', arn);

    it('deploys postgres, redis and a queue in private subnets; the CLI sees them tagged', async () => {
      const env = environment('stack');
      const envTag = { Key: 'envkit:environment', Value: env.id };
      const net = await suite.ready(PRIVATE_NETWORK, env);
      const data = [
        postgresOn(net),
        cfnResource('cache', {
          template: 'builtin:redis',
          parameters: { VpcId: net.VpcId, SubnetIds: net.PrivateSubnetIds },
        }),
        cfnResource('jobs', { template: 'builtin:queue' }),
      ];
      const [db, cache, jobs] = await Promise.all(
        data.map(r => suite.ready(r, env)),
      );

      expect(db).toMatchObject({
        Port: '5432',
        DatabaseName: 'app',
        Host: expect.stringMatching(/\.us-east-1\.rds\.amazonaws\.com$/),
        SecretArn: expect.stringMatching(
          /^arn:aws:secretsmanager:us-east-1:\d{12}:secret:/,
        ),
      });
      expect(db.SecretArn).not.toContain('rds!db-');
      const [instance] = (
        await cli(
          'rds',
          'describe-db-instances',
          '--db-instance-identifier',
          db.Host.split('.')[0],
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
      const dbSecret = await describeSecret(db.SecretArn);
      expect(dbSecret.Tags).toEqual(expect.arrayContaining([envTag]));
      expect(dbSecret.OwningService).toBeUndefined();
      expect(
        suite.sandbox.controls.masterPasswordMatches(
          instance.DBInstanceIdentifier,
          db.SecretArn,
        ),
      ).toBe(true);

      const [group] = (await cli('elasticache', 'describe-replication-groups'))
        .ReplicationGroups;
      expect(group).toMatchObject({
        TransitEncryptionEnabled: true,
        AtRestEncryptionEnabled: true,
        AuthTokenEnabled: true,
      });
      expect(group.NodeGroups[0].PrimaryEndpoint.Address).toBe(cache.Host);
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
      const token = await describeSecret(cache.SecretArn);
      expect(token.Tags).toEqual(expect.arrayContaining([envTag]));

      const queueTags = await cli(
        'sqs',
        'list-queue-tags',
        '--queue-url',
        jobs.QueueUrl,
      );
      expect(queueTags.Tags[envTag.Key]).toBe(env.id);
      const attributes = await cli(
        'sqs',
        'get-queue-attributes',
        '--queue-url',
        jobs.QueueUrl,
        '--attribute-names',
        'RedrivePolicy',
      );
      expect(
        JSON.parse(attributes.Attributes.RedrivePolicy).deadLetterTargetArn,
      ).toBe(jobs.DeadLetterQueueArn);

      // No output carries a credential, only where to read it.
      const outputs = JSON.stringify([db, cache, jobs]);
      expect(outputs).not.toMatch(/password|AuthToken"/i);

      for (const r of [...data, PRIVATE_NETWORK]) {
        await suite.expectDestroyed(r, env);
      }
      expect(suite.leftovers(env)).toEqual([]);
    });
  },
  180_000,
);
