import {
  CreateStackCommand,
  DescribeStackEventsCommand,
  DescribeStackResourcesCommand,
  GetTemplateCommand,
  ListStackResourcesCommand,
  ListStacksCommand,
  ValidateTemplateCommand,
  DeleteStackCommand,
  waitUntilStackCreateComplete,
  waitUntilStackDeleteComplete,
} from '@aws-sdk/client-cloudformation';
import { cloudFormationSuite, createStack } from '../__testUtils__/sdk';
import {
  BUCKET_TEMPLATE,
  IAM_TEMPLATE,
  WEB_STACK_TEMPLATE,
} from '../__testUtils__/templates';

describe('CloudFormation actions', () => {
  const suite = cloudFormationSuite();

  beforeAll(() => createStack(suite.cfn, 'actions', WEB_STACK_TEMPLATE));

  it('describes events newest first, with reasons and physical ids', async () => {
    const { StackEvents } = await suite.cfn.send(
      new DescribeStackEventsCommand({ StackName: 'actions' }),
    );
    expect(StackEvents![0]).toMatchObject({
      LogicalResourceId: 'actions',
      ResourceStatus: 'CREATE_COMPLETE',
      ResourceType: 'AWS::CloudFormation::Stack',
    });
    const last = StackEvents![StackEvents!.length - 1];
    expect(last).toMatchObject({
      ResourceStatus: 'CREATE_IN_PROGRESS',
      ResourceStatusReason: 'User Initiated',
    });
    const initiated = StackEvents!.find(
      e =>
        e.LogicalResourceId === 'Vpc' &&
        e.ResourceStatusReason === 'Resource creation Initiated',
    );
    expect(initiated?.PhysicalResourceId).toMatch(/^vpc-/);
    expect(StackEvents![0].Timestamp).toBeInstanceOf(Date);
  });

  it('lists and describes resources', async () => {
    const { StackResourceSummaries } = await suite.cfn.send(
      new ListStackResourcesCommand({ StackName: 'actions' }),
    );
    expect(
      StackResourceSummaries!.map(r => r.LogicalResourceId).sort(),
    ).toEqual([
      'AlbSecurityGroup',
      'Cluster',
      'Listener',
      'LoadBalancer',
      'Service',
      'SubnetA',
      'SubnetB',
      'TargetGroup',
      'TaskDefinition',
      'Vpc',
    ]);
    expect(
      StackResourceSummaries!.every(
        r => r.ResourceStatus === 'CREATE_COMPLETE',
      ),
    ).toBe(true);
    const sg = StackResourceSummaries!.find(
      r => r.LogicalResourceId === 'AlbSecurityGroup',
    );
    const { StackResources } = await suite.cfn.send(
      new DescribeStackResourcesCommand({
        PhysicalResourceId: sg!.PhysicalResourceId,
      }),
    );
    expect(StackResources!.map(r => r.StackName)).toContain('actions');
    const one = await suite.cfn.send(
      new DescribeStackResourcesCommand({
        StackName: 'actions',
        LogicalResourceId: 'LoadBalancer',
      }),
    );
    expect(one.StackResources![0].PhysicalResourceId).toMatch(
      /^arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer\/app\/[^/]+\/[0-9a-f]{16}$/,
    );
  });

  it('returns the original template and validates templates', async () => {
    const { TemplateBody } = await suite.cfn.send(
      new GetTemplateCommand({ StackName: 'actions' }),
    );
    expect(TemplateBody).toBe(WEB_STACK_TEMPLATE);
    const valid = await suite.cfn.send(
      new ValidateTemplateCommand({ TemplateBody: WEB_STACK_TEMPLATE }),
    );
    expect(
      valid.Parameters!.map(p => [p.ParameterKey, p.DefaultValue]),
    ).toEqual([
      ['Image', 'nginx:1.27'],
      ['Env', 'dev'],
      ['DesiredCount', '2'],
    ]);
    const iam = await suite.cfn.send(
      new ValidateTemplateCommand({ TemplateBody: IAM_TEMPLATE }),
    );
    expect(iam.Capabilities).toEqual(['CAPABILITY_IAM']);
    expect(iam.CapabilitiesReason).toBe(
      'The following resource(s) require capabilities: [AWS::IAM::Role]',
    );
  });

  it('pages ListStacks with NextToken and filters by status', async () => {
    suite.sandbox.controls.setListStacksPageSize(2);
    for (const name of ['page-a', 'page-b', 'page-c']) {
      await suite.cfn.send(
        new CreateStackCommand({
          StackName: name,
          TemplateBody: BUCKET_TEMPLATE,
        }),
      );
    }
    for (const name of ['page-a', 'page-b', 'page-c'])
      await waitUntilStackCreateComplete(suite.wait(), { StackName: name });
    const { StackId } = await suite.cfn.send(
      new CreateStackCommand({
        StackName: 'page-gone',
        TemplateBody: BUCKET_TEMPLATE,
      }),
    );
    await waitUntilStackCreateComplete(suite.wait(), {
      StackName: 'page-gone',
    });
    await suite.cfn.send(new DeleteStackCommand({ StackName: 'page-gone' }));
    await waitUntilStackDeleteComplete(suite.wait(), { StackName: StackId });

    const names: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await suite.cfn.send(
        new ListStacksCommand({
          NextToken: token,
          StackStatusFilter: ['CREATE_COMPLETE'],
        }),
      );
      names.push(...page.StackSummaries!.map(s => s.StackName!));
      token = page.NextToken;
      pages += 1;
    } while (token);
    expect(pages).toBe(2);
    expect(names.sort()).toEqual(['actions', 'page-a', 'page-b', 'page-c']);
    const deleted = await suite.cfn.send(
      new ListStacksCommand({ StackStatusFilter: ['DELETE_COMPLETE'] }),
    );
    expect(
      deleted.StackSummaries!.map(s => [s.StackName, s.StackStatus]),
    ).toEqual([['page-gone', 'DELETE_COMPLETE']]);
    expect(deleted.StackSummaries![0].DeletionTime).toBeInstanceOf(Date);
  });
});
