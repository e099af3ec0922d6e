/**
 * Safe changes to data services on the sandbox: resizing a database is an
 * update in place; a change CloudFormation would answer by replacing the
 * database (losing its data) is refused before anything is applied, with
 * the database still there and the stack untouched, unless the resource
 * allows replacement.
 */
import {
  applyUntilSettled,
  contextFor,
  environment,
} from './__testUtils__/harness';
import {
  describeOnSandbox,
  postgresOn,
  PRIVATE_NETWORK,
} from './__testUtils__/sandboxSuite';

describeOnSandbox(
  'safe changes to data services on the sandbox',
  suite => {
    it('resizes a database in place, refuses a change that would replace it, and applies it once allowed', async () => {
      const env = environment('safe');
      const net = await suite.ready(PRIVATE_NETWORK, env);
      const db = (parameters: Record<string, string>, extra = {}) =>
        postgresOn(net, parameters, extra);
      const ctx = contextFor(env, 'db');
      const created = await suite.ready(db({}), env);
      const identifier = created.Host.split('.')[0];
      const instance = async () =>
        (
          await suite.cli(
            'rds',
            'describe-db-instances',
            '--db-instance-identifier',
            identifier,
          )
        ).DBInstances[0];

      // A bigger instance and more storage: the same instance, modified.
      const resized = await applyUntilSettled(
        suite.driver,
        db({ InstanceClass: 'db.t4g.small', AllocatedStorage: '40' }),
        ctx,
      );
      expect(resized.status).toBe('Ready');
      expect(resized.outputs!.Host).toBe(created.Host);
      expect(await instance()).toMatchObject({
        DBInstanceIdentifier: identifier,
        DBInstanceClass: 'db.t4g.small',
        AllocatedStorage: 40,
      });

      // A new database name would make CloudFormation replace the instance.
      suite.sandbox.controls.resetCalls();
      const refused = await applyUntilSettled(
        suite.driver,
        db({
          InstanceClass: 'db.t4g.small',
          AllocatedStorage: '40',
          DatabaseName: 'orders',
        }),
        ctx,
      );
      expect(refused).toMatchObject({
        status: 'Failed',
        kind: 'needsAttention',
        reason: 'ReplacementRefused',
      });
      const message = (refused as any).message as string;
      expect(message).toContain(
        'Database (AWS::RDS::DBInstance) would be replaced',
      );
      expect(message).toContain('DBName');
      expect(message).toContain('data lost');
      expect(message).toContain('allowReplacement: true');
      // Nothing was applied: no update was sent and the database runs on.
      expect(
        suite.sandbox.controls.callCount('cloudformation', 'UpdateStack'),
      ).toBe(0);
      expect(await instance()).toMatchObject({
        DBInstanceIdentifier: identifier,
        DBName: 'app',
        DBInstanceStatus: 'available',
      });

      // Switching to a final snapshot swaps one DB resource for the other:
      // the running one would be deleted.
      const swapped = await applyUntilSettled(
        suite.driver,
        db({
          InstanceClass: 'db.t4g.small',
          AllocatedStorage: '40',
          DeletionBehaviour: 'Snapshot',
        }),
        ctx,
      );
      expect((swapped as any).message).toContain(
        'Database (AWS::RDS::DBInstance) would be deleted and its data lost',
      );

      // Allowed by the template: the update goes ahead.
      const allowed = await applyUntilSettled(
        suite.driver,
        db(
          {
            InstanceClass: 'db.t4g.small',
            AllocatedStorage: '40',
            DatabaseName: 'orders',
          },
          { allowReplacement: true },
        ),
        ctx,
      );
      expect(allowed.status).toBe('Ready');

      await suite.expectDestroyed(db({}), env);
      await suite.expectDestroyed(PRIVATE_NETWORK, env);
      expect(suite.leftovers(env)).toEqual([]);
    });
  },
  180_000,
);
