/**
 * Acceptance: cross-stack references and shared load balancer listeners,
 * driven by the real AWS CLI, with CloudFormation's and ELB's own rules
 * and wording.
 */
import { awsCliSuite } from '../__testUtils__/awsCliSuite';
import { aws, eventually } from '../__testUtils__/helpers';
import {
  forwardRuleResources,
  loadBalancerResources,
} from '../__testUtils__/templates';

jest.setTimeout(120_000);

const EXPORTER = `
Parameters:
  Name: { Type: String }
  Cidr: { Type: String }
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: { CidrBlock: { Ref: Cidr } }
Outputs:
  Cidr:
    Value: { Ref: Cidr }
    Export: { Name: { Ref: Name } }
`;

const IMPORTER = `
Parameters:
  Name: { Type: String }
Resources:
  Group:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: { 'Fn::Sub': ['in ', {}] }
      VpcId: { 'Fn::ImportValue': { Ref: Name } }
Outputs:
  Seen:
    Value: { 'Fn::ImportValue': { Ref: Name } }
`;

const LISTENER = `
Resources:
${loadBalancerResources('shared-alb')}Outputs:
  Listener:
    Value: { Ref: Listener }
    Export: { Name: shared-listener }
`;

const RULE = `
Parameters:
  Priority: { Type: Number }
  Path: { Type: String }
Resources:
${forwardRuleResources({
  listenerArn: "{ 'Fn::ImportValue': shared-listener }",
  priority: '{ Ref: Priority }',
  paths: '[{ Ref: Path }]',
})}`;

describe('cross-stack references and shared listeners with the AWS CLI', () => {
  const suite = awsCliSuite('xstack');

  const cfn = (...args: string[]) => suite.cli('cloudformation', ...args);
  const settled = suite.settled;
  const eventReasons = async (stackName: string): Promise<string[]> =>
    (
      await cfn('describe-stack-events', '--stack-name', stackName)
    ).StackEvents.map((e: any) => e.ResourceStatusReason);
  const reason = async (stackName: string) =>
    (await cfn('describe-stacks', '--stack-name', stackName)).Stacks[0]
      .StackStatusReason;
  const create = async (name: string, body: string, ...params: string[]) => {
    const result = await suite.createStack(
      name,
      body,
      ...(params.length ? ['--parameters', ...params] : []),
    );
    expect(result.stderr).toBe('');
    return settled(name);
  };

  it('exports once, imports by name and protects an export in use', async () => {
    expect(
      await create(
        'base',
        EXPORTER,
        'ParameterKey=Name,ParameterValue=base-cidr',
        'ParameterKey=Cidr,ParameterValue=10.1.0.0/16',
      ),
    ).toBe('CREATE_COMPLETE');
    const { Exports } = await cfn('list-exports');
    expect(Exports).toEqual([
      {
        ExportingStackId: expect.stringContaining(':stack/base/'),
        Name: 'base-cidr',
        Value: '10.1.0.0/16',
      },
    ]);

    // The same name from a second stack: the stack fails and rolls back.
    expect(
      await create(
        'copy',
        EXPORTER,
        'ParameterKey=Name,ParameterValue=base-cidr',
        'ParameterKey=Cidr,ParameterValue=10.2.0.0/16',
      ),
    ).toBe('ROLLBACK_COMPLETE');
    expect(await eventReasons('copy')).toContain(
      'Export with name base-cidr is already exported by stack base. Rollback requested by user.',
    );

    expect(
      await create(
        'user',
        IMPORTER,
        'ParameterKey=Name,ParameterValue=base-cidr',
      ),
    ).toBe('CREATE_COMPLETE');
    const user = (await cfn('describe-stacks', '--stack-name', 'user'))
      .Stacks[0];
    expect(user.Outputs[0].OutputValue).toBe('10.1.0.0/16');
    expect(
      await cfn('list-imports', '--export-name', 'base-cidr'),
    ).toMatchObject({ Imports: ['user'] });

    // A name nobody exports fails the importing stack.
    expect(
      await create(
        'orphan',
        IMPORTER,
        'ParameterKey=Name,ParameterValue=nobody',
      ),
    ).toBe('ROLLBACK_COMPLETE');
    const events = (
      await cfn('describe-stack-events', '--stack-name', 'orphan')
    ).StackEvents.map((e: any) => e.ResourceStatusReason);
    expect(events).toContain('No export named nobody found');

    // Changing an export in use is rolled back.
    await cfn(
      'update-stack',
      '--stack-name',
      'base',
      '--use-previous-template',
      '--parameters',
      'ParameterKey=Name,UsePreviousValue=true',
      'ParameterKey=Cidr,ParameterValue=10.9.0.0/16',
    );
    expect(await settled('base')).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(
      (
        await cfn('describe-stack-events', '--stack-name', 'base')
      ).StackEvents.map((e: any) => e.ResourceStatusReason),
    ).toContain('Cannot update export base-cidr as it is in use by user');
    expect((await cfn('list-exports')).Exports[0].Value).toBe('10.1.0.0/16');

    // Deleting it fails, and nothing is deleted.
    await cfn('delete-stack', '--stack-name', 'base');
    expect(await settled('base')).toBe('DELETE_FAILED');
    expect(await reason('base')).toBe(
      'Export base-cidr cannot be deleted as it is in use by user',
    );

    // Once the importer is gone, the export goes with its stack.
    await cfn('delete-stack', '--stack-name', 'user');
    await eventually(
      () =>
        !suite.sandbox.controls.inventory().some(s => s.stackName === 'user'),
    );
    const none = await aws(suite.sandbox, [
      'cloudformation',
      'list-imports',
      '--export-name',
      'base-cidr',
    ]);
    expect(none.stderr).toContain(
      "Export 'base-cidr' is not imported by any stack.",
    );
    await cfn('delete-stack', '--stack-name', 'base');
    await eventually(
      () =>
        !suite.sandbox.controls.inventory().some(s => s.stackName === 'base'),
    );
    expect((await cfn('list-exports')).Exports).toEqual([]);
  });

  it('holds each listener rule priority once, with ELB’s PriorityInUse wording', async () => {
    expect(await create('lb', LISTENER)).toBe('CREATE_COMPLETE');
    expect(
      await create(
        'svc-a',
        RULE,
        'ParameterKey=Priority,ParameterValue=10',
        'ParameterKey=Path,ParameterValue=/a/*',
      ),
    ).toBe('CREATE_COMPLETE');
    expect(
      await create(
        'svc-b',
        RULE,
        'ParameterKey=Priority,ParameterValue=10',
        'ParameterKey=Path,ParameterValue=/b/*',
      ),
    ).toBe('ROLLBACK_COMPLETE');
    const failed = (
      await cfn('describe-stack-events', '--stack-name', 'svc-b')
    ).StackEvents.find(
      (e: any) =>
        e.LogicalResourceId === 'Rule' && e.ResourceStatus === 'CREATE_FAILED',
    );
    expect(failed.ResourceStatusReason).toMatch(
      /^Resource handler returned message: "Priority '10' is currently in use \(Service: ElasticLoadBalancingV2, Status Code: 400/,
    );

    const listenerArn = (await cfn('list-exports')).Exports.find(
      (e: any) => e.Name === 'shared-listener',
    ).Value;
    const rules = await suite.cli(
      'elbv2',
      'describe-rules',
      '--listener-arn',
      listenerArn,
    );
    expect(rules.Rules).toEqual([
      expect.objectContaining({
        Priority: '10',
        IsDefault: false,
        Conditions: [
          expect.objectContaining({
            Field: 'path-pattern',
            PathPatternConfig: { Values: ['/a/*'] },
          }),
        ],
        Actions: [expect.objectContaining({ Type: 'forward' })],
      }),
      expect.objectContaining({ Priority: 'default', IsDefault: true }),
    ]);
    const listeners = await suite.cli(
      'elbv2',
      'describe-listeners',
      '--listener-arns',
      listenerArn,
    );
    expect(listeners.Listeners[0]).toMatchObject({
      Port: 80,
      DefaultActions: [
        expect.objectContaining({
          Type: 'fixed-response',
          FixedResponseConfig: expect.objectContaining({ StatusCode: '404' }),
        }),
      ],
    });
    const groups = (await suite.cli('elbv2', 'describe-target-groups'))
      .TargetGroups;
    expect(groups).toHaveLength(1);
    expect(groups[0].LoadBalancerArns).toHaveLength(1);
    const missing = await aws(suite.sandbox, [
      'elbv2',
      'describe-rules',
      '--listener-arn',
      `${listenerArn}0`,
    ]);
    expect(missing.stderr).toContain('ListenerNotFound');
  });
});
