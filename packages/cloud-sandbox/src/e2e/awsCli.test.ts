/**
 * Acceptance: the real AWS CLI drives a stack through its whole life
 * against the sandbox.
 */
import { awsCliSuite } from '../__testUtils__/awsCliSuite';
import { aws, eventually, throttleNext } from '../__testUtils__/helpers';
import {
  ROLLOUT_TEMPLATE,
  SECRET_TEMPLATE,
  WEB_STACK_TEMPLATE,
} from '../__testUtils__/templates';

jest.setTimeout(120_000);

describe('AWS CLI against the sandbox', () => {
  const suite = awsCliSuite('tpl');

  /** `cloudformation <command> --stack-name <stackName> …more`, as aws arguments. */
  const stackArgs = (command: string, stackName: string, more: string[]) => [
    'cloudformation',
    ...command.split(' '),
    '--stack-name',
    stackName,
    ...more,
  ];
  /** `aws cloudformation <command> --stack-name <stackName> …` */
  const stackCli = (command: string, stackName: string, ...more: string[]) =>
    aws(suite.sandbox, stackArgs(command, stackName, more));
  /** The same, which must succeed (exit 0, nothing on stderr). */
  const stackCliOk = (command: string, stackName: string, ...more: string[]) =>
    suite.cli(...stackArgs(command, stackName, more));
  const describeServices = (cluster: string, ...services: string[]) =>
    aws(suite.sandbox, [
      'ecs',
      'describe-services',
      '--cluster',
      cluster,
      '--services',
      ...services,
    ]);

  it('creates, describes, inspects in ECS and deletes a stack', async () => {
    const create = await suite.createStack(
      'cli-web',
      WEB_STACK_TEMPLATE,
      '--parameters',
      'ParameterKey=Image,ParameterValue=ghcr.io/envkit/demo:1.0',
      '--tags',
      'Key=envkit.io/environment,Value=cli',
    );
    expect(create.stderr).toBe('');
    expect(create.code).toBe(0);
    const { StackId } = JSON.parse(create.stdout);
    expect(StackId).toMatch(
      /^arn:aws:cloudformation:us-east-1:000000000000:stack\/cli-web\/[0-9a-f-]{36}$/,
    );

    await stackCliOk('wait stack-create-complete', 'cli-web');

    const described = await stackCli('describe-stacks', 'cli-web');
    expect(described.code).toBe(0);
    const stack = JSON.parse(described.stdout).Stacks[0];
    expect(stack.StackStatus).toBe('CREATE_COMPLETE');
    const outputs = Object.fromEntries(
      stack.Outputs.map((o: { OutputKey: string; OutputValue: string }) => [
        o.OutputKey,
        o.OutputValue,
      ]),
    );
    expect(outputs.VpcId).toMatch(/^vpc-[0-9a-f]{17}$/);
    expect(outputs.ClusterArn).toBe(
      'arn:aws:ecs:us-east-1:000000000000:cluster/cli-web-cluster',
    );
    expect(outputs.endpoint).toMatch(
      /^http:\/\/cli-web-LoadBalanc?e?r?-[A-Z0-9]+-\d{10}\.us-east-1\.elb\.amazonaws\.com$/,
    );
    expect(outputs.Subnets).toMatch(
      /^subnet-[0-9a-f]{17},subnet-[0-9a-f]{17}$/,
    );
    expect(outputs.Tier).toBe('development');

    const services = await describeServices(
      outputs.ClusterName,
      outputs.ServiceName,
      'missing-service',
    );
    expect(services.code).toBe(0);
    const parsed = JSON.parse(services.stdout);
    expect(parsed.services[0]).toMatchObject({
      serviceName: 'web',
      status: 'ACTIVE',
      desiredCount: 2,
      runningCount: 2,
      launchType: 'FARGATE',
    });
    expect(parsed.services[0].deployments[0].rolloutState).toBe('COMPLETED');
    expect(parsed.failures).toEqual([
      {
        arn: 'arn:aws:ecs:us-east-1:000000000000:service/cli-web-cluster/missing-service',
        reason: 'MISSING',
      },
    ]);

    const del = await stackCli('delete-stack', 'cli-web');
    expect(del.code).toBe(0);
    await stackCliOk('wait stack-delete-complete', 'cli-web');

    const gone = await stackCli('describe-stacks', 'cli-web');
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toContain(
      'An error occurred (ValidationError) when calling the DescribeStacks operation: Stack with id cli-web does not exist',
    );

    // The deleted stack is still visible by id, as on AWS.
    const byId = await stackCli('describe-stacks', StackId);
    expect(JSON.parse(byId.stdout).Stacks[0].StackStatus).toBe(
      'DELETE_COMPLETE',
    );

    const afterDelete = await describeServices(outputs.ClusterName, 'web');
    expect(afterDelete.stderr).toContain('(ClusterNotFoundException)');
  });

  it('rolls an ECS service onto a new deployment when the redeploy nonce changes, serving throughout', async () => {
    const create = await suite.createStack('cli-rollout', ROLLOUT_TEMPLATE);
    expect(create.stderr).toBe('');
    expect(await suite.settled('cli-rollout')).toBe('CREATE_COMPLETE');
    const service = async () =>
      JSON.parse((await describeServices('cli-rollout-cluster', 'app')).stdout)
        .services[0];
    const before = await service();
    expect(before.deployments).toHaveLength(1);
    const first = before.deployments[0].id;

    // New tasks wait, so the rollout can be seen halfway.
    suite.sandbox.controls.holdServiceTasks('app');
    await stackCliOk(
      'update-stack',
      'cli-rollout',
      '--use-previous-template',
      '--parameters',
      'ParameterKey=Image,UsePreviousValue=true',
      'ParameterKey=RedeployNonce,ParameterValue=2025-06-01T10:00:00.000Z',
    );
    const halfway = await eventually(async () => {
      const described = await service();
      return described.deployments.length === 2 && described;
    });
    expect(
      halfway.deployments.map((d: any) => [d.status, d.id, d.rolloutState]),
    ).toEqual([
      ['PRIMARY', expect.not.stringMatching(first), 'IN_PROGRESS'],
      ['ACTIVE', first, 'COMPLETED'],
    ]);
    expect(halfway.runningCount).toBe(2);
    expect(halfway.deployments[1].runningCount).toBe(2);

    suite.sandbox.controls.releaseServiceTasks('app');
    expect(await suite.settled('cli-rollout')).toBe('UPDATE_COMPLETE');
    const after = await service();
    expect(after.deployments).toEqual([
      expect.objectContaining({
        id: halfway.deployments[0].id,
        status: 'PRIMARY',
        rolloutState: 'COMPLETED',
        runningCount: 2,
      }),
    ]);
    expect(after.taskDefinition).toBe(before.taskDefinition);
  });

  it('masks NoEcho parameter values and records the service role', async () => {
    const secret = 'pw-3b5e8c1d-cli';
    const role = 'arn:aws:iam::000000000000:role/envkit-cloudformation';
    const create = await suite.createStack(
      'cli-secret',
      SECRET_TEMPLATE,
      '--role-arn',
      role,
      '--parameters',
      `ParameterKey=DbPassword,ParameterValue=${secret}`,
    );
    expect(create.stderr).toBe('');
    expect(await suite.settled('cli-secret')).toBe('CREATE_COMPLETE');

    const described = await stackCli('describe-stacks', 'cli-secret');
    const stack = JSON.parse(described.stdout).Stacks[0];
    expect(stack.RoleARN).toBe(role);
    expect(stack.Parameters).toEqual(
      expect.arrayContaining([
        { ParameterKey: 'DbPassword', ParameterValue: '****' },
        { ParameterKey: 'DbUser', ParameterValue: 'app' },
      ]),
    );
    const changeSet = await aws(suite.sandbox, [
      'cloudformation',
      'create-change-set',
      '--stack-name',
      'cli-secret',
      '--change-set-name',
      'rotate',
      '--use-previous-template',
      '--parameters',
      `ParameterKey=DbPassword,ParameterValue=${secret}-2`,
    ]);
    expect(changeSet.stderr).toBe('');
    const describedChangeSet = await aws(suite.sandbox, [
      'cloudformation',
      'describe-change-set',
      '--stack-name',
      'cli-secret',
      '--change-set-name',
      'rotate',
    ]);
    expect(JSON.parse(describedChangeSet.stdout).Parameters).toEqual([
      { ParameterKey: 'DbPassword', ParameterValue: '****' },
    ]);
    const everything = [
      described,
      describedChangeSet,
      await stackCli('describe-stack-events', 'cli-secret'),
      await stackCli('get-template', 'cli-secret'),
      await stackCli('describe-stack-resources', 'cli-secret'),
    ];
    for (const output of everything) {
      expect(output.code).toBe(0);
      expect(output.stdout).not.toContain(secret);
    }

    const badRole = await stackCli(
      'delete-stack',
      'cli-secret',
      '--role-arn',
      'arn:aws:iam::000000000000:user/somebody',
    );
    expect(badRole.stderr).toContain(
      'Role arn:aws:iam::000000000000:user/somebody is invalid or cannot be assumed',
    );
  });

  it('reports throttling the way the CLI expects and retries through it', async () => {
    throttleNext(suite.sandbox, 'cloudformation', 'ListStacks', 1);
    const list = await aws(suite.sandbox, ['cloudformation', 'list-stacks']);
    expect(list.code).toBe(0);
    expect(
      suite.sandbox.controls.callCount('cloudformation', 'ListStacks'),
    ).toBe(2);
  });
});
