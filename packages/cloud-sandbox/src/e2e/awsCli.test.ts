/**
 * Acceptance: the real AWS CLI drives a stack through its whole life
 * against the sandbox.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '../sandbox';
import { aws, throttleNext } from '../__testUtils__/helpers';
import { WEB_STACK_TEMPLATE } from '../__testUtils__/templates';

jest.setTimeout(120_000);

describe('AWS CLI against the sandbox', () => {
  let sandbox: Sandbox;
  let templateFile: string;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, profile: 'fast' });
    templateFile = join(mkdtempSync(join(tmpdir(), 'envkit-tpl-')), 'web.yaml');
    writeFileSync(templateFile, WEB_STACK_TEMPLATE);
  });

  afterAll(() => sandbox.stop());

  /** `aws cloudformation <command> --stack-name <stackName> …` */
  const stackCli = (command: string, stackName: string, ...more: string[]) =>
    aws(sandbox, [
      'cloudformation',
      ...command.split(' '),
      '--stack-name',
      stackName,
      ...more,
    ]);
  const describeServices = (cluster: string, ...services: string[]) =>
    aws(sandbox, [
      'ecs',
      'describe-services',
      '--cluster',
      cluster,
      '--services',
      ...services,
    ]);

  it('creates, describes, inspects in ECS and deletes a stack', async () => {
    const create = await stackCli(
      'create-stack',
      'cli-web',
      '--template-body',
      `file://${templateFile}`,
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

    const wait = await stackCli('wait stack-create-complete', 'cli-web');
    expect(wait.stderr).toBe('');
    expect(wait.code).toBe(0);

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
    const waitDelete = await stackCli('wait stack-delete-complete', 'cli-web');
    expect(waitDelete.stderr).toBe('');
    expect(waitDelete.code).toBe(0);

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

  it('reports throttling the way the CLI expects and retries through it', async () => {
    throttleNext(sandbox, 'cloudformation', 'ListStacks', 1);
    const list = await aws(sandbox, ['cloudformation', 'list-stacks']);
    expect(list.code).toBe(0);
    expect(sandbox.controls.callCount('cloudformation', 'ListStacks')).toBe(2);
  });
});
