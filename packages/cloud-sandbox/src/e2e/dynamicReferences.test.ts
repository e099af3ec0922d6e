/**
 * Acceptance: a `{{resolve:secretsmanager:…}}` dynamic reference reaches the
 * resource's service as the secret's value, as CloudFormation resolves it,
 * while the stack's events keep the reference; a reference to a secret that
 * is not there fails the resource, as it does on AWS.
 */
import { awsCliSuite } from '../__testUtils__/awsCliSuite';
import { aws } from '../__testUtils__/helpers';

jest.setTimeout(120_000);

const database = (password: string) => `
Resources:
  MasterSecret:
    Type: AWS::SecretsManager::Secret
    Properties:
      GenerateSecretString:
        SecretStringTemplate: '{"username":"app"}'
        GenerateStringKey: password
        PasswordLength: 24
        ExcludePunctuation: true
  Database:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      DBInstanceClass: db.t4g.micro
      AllocatedStorage: '20'
      MasterUsername: app
      MasterUserPassword: ${password}
Outputs:
  Host:
    Value: !GetAtt Database.Endpoint.Address
  SecretArn:
    Value: !Ref MasterSecret
`;

/** The database template, its password read from key `key` of its own secret. */
const fromOwnSecret = (key: string) =>
  database(
    `!Sub '{{resolve:secretsmanager:\${MasterSecret}:SecretString:${key}}}'`,
  );

describe('Secrets Manager dynamic references', () => {
  const suite = awsCliSuite('dynref');

  const createStack = async (name: string, template: string) => {
    const result = await suite.createStack(name, template);
    expect(result.stderr).toBe('');
    return suite.settledStack(name);
  };
  /** The stack's events as the AWS CLI describes them. */
  const stackEvents = async (name: string) =>
    JSON.parse(
      (
        await aws(suite.sandbox, [
          'cloudformation',
          'describe-stack-events',
          '--stack-name',
          name,
        ])
      ).stdout,
    ).StackEvents;

  it('gives the database the password in the secret, and events only the reference', async () => {
    const stack = await createStack('dynref', fromOwnSecret('password'));
    expect(stack?.status).toBe('CREATE_COMPLETE');
    const { Host, SecretArn } = stack!.outputs as Record<string, string>;
    const identifier = Host.split('.')[0];
    expect(
      suite.sandbox.controls.masterPasswordMatches(identifier, SecretArn),
    ).toBe(true);
    // A different key of the same secret is not the password.
    expect(
      suite.sandbox.controls.masterPasswordMatches(
        identifier,
        SecretArn,
        'username',
      ),
    ).toBe(false);

    const dbEvent = (await stackEvents('dynref')).find(
      (e: any) => e.LogicalResourceId === 'Database' && e.ResourceProperties,
    );
    expect(dbEvent.ResourceProperties).toContain('{{resolve:secretsmanager:');
  });

  it('fails the resource whose reference names no secret', async () => {
    const missing =
      'arn:aws:secretsmanager:us-east-1:000000000000:secret:nowhere-AbCdEf';
    const stack = await createStack(
      'dynref-missing',
      database(`'{{resolve:secretsmanager:${missing}:SecretString:password}}'`),
    );
    expect(stack?.status).toBe('ROLLBACK_COMPLETE');
    const failed = (await stackEvents('dynref-missing')).find(
      (e: any) =>
        e.LogicalResourceId === 'Database' &&
        e.ResourceStatus === 'CREATE_FAILED',
    );
    expect(failed.ResourceStatusReason).toContain(
      `Could not resolve dynamic reference to secret '${missing}'`,
    );
  });

  it('fails the resource whose reference names a JSON key the secret lacks', async () => {
    const stack = await createStack('dynref-key', fromOwnSecret('pasword'));
    expect(stack?.status).toBe('ROLLBACK_COMPLETE');
  });
});
