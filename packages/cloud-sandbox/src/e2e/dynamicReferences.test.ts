/**
 * Acceptance: a `{{resolve:secretsmanager:…}}` dynamic reference reaches the
 * resource's service as the secret's value, as CloudFormation resolves it,
 * while the stack's events keep the reference; a reference to a secret that
 * is not there fails the resource, as it does on AWS.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '../sandbox';
import { aws, eventually } from '../__testUtils__/helpers';

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

describe('Secrets Manager dynamic references', () => {
  let sandbox: Sandbox;
  let dir: string;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, profile: 'fast' });
    dir = mkdtempSync(join(tmpdir(), 'envkit-dynref-'));
  });
  afterAll(() => sandbox.stop());

  const createStack = async (name: string, template: string) => {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, template);
    const result = await aws(sandbox, [
      'cloudformation',
      'create-stack',
      '--stack-name',
      name,
      '--template-body',
      `file://${file}`,
    ]);
    expect(result.stderr).toBe('');
    return eventually(() => {
      const stack = sandbox.controls
        .inventory()
        .find(s => s.stackName === name);
      return stack && !stack.status.endsWith('_IN_PROGRESS') && stack;
    });
  };

  it('gives the database the password in the secret, and events only the reference', async () => {
    const stack = await createStack(
      'dynref',
      database(
        `!Sub '{{resolve:secretsmanager:\${MasterSecret}:SecretString:password}}'`,
      ),
    );
    expect(stack.status).toBe('CREATE_COMPLETE');
    const { Host, SecretArn } = stack.outputs as Record<string, string>;
    const identifier = Host.split('.')[0];
    expect(sandbox.controls.masterPasswordMatches(identifier, SecretArn)).toBe(
      true,
    );
    // A different key of the same secret is not the password.
    expect(
      sandbox.controls.masterPasswordMatches(identifier, SecretArn, 'username'),
    ).toBe(false);

    const events = await aws(sandbox, [
      'cloudformation',
      'describe-stack-events',
      '--stack-name',
      'dynref',
    ]);
    const dbEvent = JSON.parse(events.stdout).StackEvents.find(
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
    expect(stack.status).toBe('ROLLBACK_COMPLETE');
    const events = await aws(sandbox, [
      'cloudformation',
      'describe-stack-events',
      '--stack-name',
      'dynref-missing',
    ]);
    const failed = JSON.parse(events.stdout).StackEvents.find(
      (e: any) =>
        e.LogicalResourceId === 'Database' &&
        e.ResourceStatus === 'CREATE_FAILED',
    );
    expect(failed.ResourceStatusReason).toContain(
      `Could not resolve dynamic reference to secret '${missing}'`,
    );
  });

  it('fails the resource whose reference names a JSON key the secret lacks', async () => {
    const stack = await createStack(
      'dynref-key',
      database(
        `!Sub '{{resolve:secretsmanager:\${MasterSecret}:SecretString:pasword}}'`,
      ),
    );
    expect(stack.status).toBe('ROLLBACK_COMPLETE');
  });
});
