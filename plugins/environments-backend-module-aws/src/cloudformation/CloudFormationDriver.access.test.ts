// What the driver hands CloudFormation on the owner's behalf: secret inputs
// as NoEcho parameters that it never repeats, and the service role of the
// account a stack lives in.
import { randomUUID } from 'node:crypto';
import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { AwsCredentialsManager } from '@backstage/integration-aws-node';
import { stackName } from '@envkit/plugin-environments-common';
import {
  createDriverContext,
  DriverEnvironment,
  DriverResource,
} from '@envkit/plugin-environments-node';
import {
  driverOutcome,
  untilSettled,
} from '@envkit/plugin-environments-node/testUtils';
import { SANDBOX_ACCOUNT_ID, SANDBOX_AWS_KEYS } from '@envkit/cloud-sandbox';
import { CloudFormationDriver } from './CloudFormationDriver';
import {
  applyUntilSettled,
  awsCli,
  cfnResource,
  contextFor,
  destroyUntilSettled,
  environment,
  expectDestroyed,
  sandboxDriver,
  templateReader,
} from './__testUtils__/harness';
import { describeOnSandbox } from './__testUtils__/sandboxSuite';

/** A platform team's template; its author left DbPassword visible. */
const DATABASE_TEMPLATE = `Parameters:
  DbUser:
    Type: String
  DbPassword:
    Type: String
    NoEcho: false
    MinLength: 8
Resources:
  Credentials:
    Type: AWS::SecretsManager::Secret
    Properties:
      Name: !Sub '\${AWS::StackName}-credentials'
      SecretString: !Sub '{"username":"\${DbUser}","password":"\${DbPassword}"}'
Outputs:
  SecretArn:
    Value: !Ref Credentials
  User:
    Value: !Ref DbUser
`;
const TEMPLATE_URL = 'https://git.example.com/platform/templates/database.yaml';

/** Every call of a logger and of its children, as plain values. */
function recordingLogger(calls: unknown[]): LoggerService {
  const make = (meta: object): LoggerService => {
    const record =
      (level: string) => (message: string, extra?: Error | object) =>
        calls.push({ level, message, extra, meta });
    return {
      error: record('error'),
      warn: record('warn'),
      info: record('info'),
      debug: record('debug'),
      child: more => make({ ...meta, ...more }),
    };
  };
  return make({});
}

describeOnSandbox('CloudFormationDriver: secrets and service roles', suite => {
  const describeStack = async (nameOrId: string) =>
    (await suite.cfn.send(new DescribeStacksCommand({ StackName: nameOrId })))
      .Stacks![0];

  it('sends secret inputs as NoEcho parameters and never repeats them', async () => {
    const secret = `pw-${randomUUID()}`;
    const rotated = `pw-${randomUUID()}`;
    const logged: unknown[] = [];
    const urlReader = templateReader(DATABASE_TEMPLATE);
    const driver = sandboxDriver(suite.sandbox, {
      urlReader,
      logger: recordingLogger(logged),
    });
    const env = environment('secrets');
    const name = stackName(env.name, env.id, 'db');
    const database = (password: string): DriverResource => ({
      ...cfnResource('db', {
        template: TEMPLATE_URL,
        parameters: { DbUser: 'app', DbPassword: password },
      }),
      secretParameters: ['parameters.DbPassword'],
    });
    const ctxFor = (generation: number) =>
      createDriverContext({
        environment: { ...env, generation },
        resource: 'db',
        logger: recordingLogger(logged),
      });
    // Everything the driver answered, results and failures alike.
    const answers: unknown[] = [];
    const untilDone = async (call: () => Promise<{ status: string }>) =>
      (
        await untilSettled(async () => {
          const outcome = await driverOutcome(call);
          answers.push(outcome);
          return outcome;
        })
      ).last;
    const cli = async (...args: string[]) => {
      const result = await awsCli(suite.sandbox, ['cloudformation', ...args]);
      expect(result.stderr).toBe('');
      return result.stdout;
    };
    const seenWithCli: string[] = [];

    const first = database(secret);
    answers.push(await driver.validate(first));
    answers.push(await driver.plan(first, ctxFor(1)));
    expect(await untilDone(() => driver.apply(first, ctxFor(1)))).toMatchObject(
      { status: 'Ready', outputs: { User: 'app' } },
    );
    answers.push(await driver.observe(first, ctxFor(1)));

    const described = await cli('describe-stacks', '--stack-name', name);
    seenWithCli.push(described);
    expect(JSON.parse(described).Stacks[0].Parameters).toContainEqual({
      ParameterKey: 'DbPassword',
      ParameterValue: '****',
    });
    // Hidden whatever the template's author wrote.
    const template = await cli('get-template', '--stack-name', name);
    seenWithCli.push(template);
    expect(JSON.parse(template).TemplateBody).toMatch(
      /DbPassword:\n\s+Type: String\n\s+NoEcho: true\n/,
    );

    // A new password in the next generation updates the stack.
    const second = database(rotated);
    const plan = await driver.plan(second, ctxFor(2));
    answers.push(plan);
    expect(plan.actions[0].action).toBe('update');
    expect(
      await untilDone(() => driver.apply(second, ctxFor(2))),
    ).toMatchObject({ status: 'Ready' });
    const stackId = (await describeStack(name)).StackId!;
    for (const args of [
      ['describe-stacks'],
      ['describe-stack-events'],
      ['get-template'],
    ]) {
      seenWithCli.push(await cli(...args, '--stack-name', name));
    }
    expect(await untilDone(() => driver.destroy(second, ctxFor(2)))).toEqual({
      status: 'Destroyed',
    });
    seenWithCli.push(
      await cli('describe-stack-events', '--stack-name', stackId),
    );
    driver.close();

    expect(logged.length).toBeGreaterThan(0);
    for (const seen of [
      JSON.stringify(answers),
      JSON.stringify(logged),
      ...seenWithCli,
    ]) {
      expect(seen).not.toContain(secret);
      expect(seen).not.toContain(rotated);
    }
  });

  it('refuses a secret input that is not a whole stack parameter', async () => {
    const { driver } = suite;
    const resource: DriverResource = {
      ...cfnResource('net', {
        template: 'builtin:network',
        parameters: { AvailabilityZones: ['us-east-1a', 'us-east-1b'] },
      }),
      secretParameters: ['parameters.AvailabilityZones[1]'],
    };
    expect(await driver.validate(resource)).toEqual([
      {
        path: 'parameters.parameters.AvailabilityZones[1]',
        message: expect.stringContaining('whole stack parameter'),
      },
    ]);
    const env = environment('nestedsecret');
    expect(
      await driverOutcome(() => driver.apply(resource, contextFor(env, 'net'))),
    ).toMatchObject({
      status: 'Failed',
      kind: 'permanent',
      reason: 'InvalidParameters',
      message: expect.stringContaining('AvailabilityZones[1]'),
    });
    expect(suite.leftovers(env)).toEqual([]);
  });

  describe('service roles per AWS account', () => {
    const DEFAULT_ROLE = `arn:aws:iam::${SANDBOX_ACCOUNT_ID}:role/envkit-default`;
    const roleOf = (account: string, name = 'envkit-cloudformation') =>
      `arn:aws:iam::${account}:role/${name}`;
    // Credentials for whichever account is asked for.
    const perAccount: AwsCredentialsManager = {
      async getCredentialProvider(options) {
        return {
          accountId: options?.accountId ?? SANDBOX_ACCOUNT_ID,
          sdkCredentialProvider: async () => SANDBOX_AWS_KEYS,
        };
      },
    };
    const network = (accountId?: string) =>
      cfnResource('network', {
        template: 'builtin:network',
        ...(accountId ? { accountId } : {}),
      });
    const driverWith = (accountA: string) =>
      sandboxDriver(suite.sandbox, {
        credentialsManager: perAccount,
        cloudFormationRoleArn: DEFAULT_ROLE,
        accounts: [
          { accountId: '111111111111', cloudFormationRoleArn: accountA },
          {
            accountId: '222222222222',
            cloudFormationRoleArn: roleOf('222222222222'),
          },
          // Listed without a role of its own: the default role.
          { accountId: '333333333333' },
        ],
      });

    it("creates, updates and deletes each account's stacks with that account's role", async () => {
      const driver = driverWith(roleOf('111111111111'));
      const cases: [string | undefined, string][] = [
        ['111111111111', roleOf('111111111111')],
        ['222222222222', roleOf('222222222222')],
        ['333333333333', DEFAULT_ROLE],
        [undefined, DEFAULT_ROLE],
      ];
      const envs = new Map<string | undefined, DriverEnvironment>();
      for (const [account, role] of cases) {
        const env = environment(`role${account?.slice(0, 1) ?? 'none'}`);
        envs.set(account, env);
        expect(await driver.validate(network(account))).toEqual([]);
        const ctx = contextFor(env, 'network');
        expect(
          (await applyUntilSettled(driver, network(account), ctx)).status,
        ).toBe('Ready');
        const cli = await awsCli(suite.sandbox, [
          'cloudformation',
          'describe-stacks',
          '--stack-name',
          stackName(env.name, env.id, 'network'),
        ]);
        expect(JSON.parse(cli.stdout).Stacks[0].RoleARN).toBe(role);
      }

      // An update in account 1 goes with its role too.
      const env1 = envs.get('111111111111')!;
      const changed = cfnResource('network', {
        template: 'builtin:network',
        accountId: '111111111111',
        parameters: { PublicSubnet2Cidr: '10.0.4.0/24' },
      });
      const ctx2 = contextFor({ ...env1, generation: 2 }, 'network');
      expect((await applyUntilSettled(driver, changed, ctx2)).status).toBe(
        'Ready',
      );
      const updated = await describeStack(
        stackName(env1.name, env1.id, 'network'),
      );
      expect(updated.StackStatus).toBe('UPDATE_COMPLETE');
      expect(updated.RoleARN).toBe(roleOf('111111111111'));
      driver.close();

      // The platform team moves account 1 to a new role; the deletion
      // already goes with it.
      const moved = driverWith(roleOf('111111111111', 'envkit-cfn-v2'));
      await expectDestroyed(moved, changed, ctx2);
      const deleted = await describeStack(updated.StackId!);
      expect(deleted.StackStatus).toBe('DELETE_COMPLETE');
      expect(deleted.RoleARN).toBe(roleOf('111111111111', 'envkit-cfn-v2'));
      for (const [account] of cases.slice(1)) {
        await destroyUntilSettled(
          moved,
          network(account),
          contextFor(envs.get(account)!, 'network'),
        );
      }
      moved.close();
    });

    it('refuses an account that is not configured, naming the parameter', async () => {
      const driver = CloudFormationDriver.fromConfig(
        new ConfigReader({
          aws: { mainAccount: SANDBOX_AWS_KEYS },
          environments: {
            aws: {
              endpoint: suite.sandbox.url,
              accounts: [
                {
                  accountId: '111111111111',
                  cloudFormationRoleArn: roleOf('111111111111'),
                },
              ],
            },
          },
        }),
        { logger: mockServices.logger.mock() },
      );
      const stranger = network('444444444444');
      expect(await driver.validate(stranger)).toEqual([
        {
          path: 'parameters.accountId',
          message: expect.stringMatching(
            /account 444444444444 is not configured.*111111111111/,
          ),
        },
      ]);
      const env = environment('stranger');
      expect(
        await driverOutcome(() =>
          driver.apply(stranger, contextFor(env, 'network')),
        ),
      ).toMatchObject({
        status: 'Failed',
        kind: 'permanent',
        reason: 'InvalidParameters',
      });
      expect(suite.leftovers(env)).toEqual([]);
      driver.close();
    });
  });
});
