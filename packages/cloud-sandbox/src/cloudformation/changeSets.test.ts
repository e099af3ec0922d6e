import {
  CreateChangeSetCommand,
  DescribeChangeSetCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  ListChangeSetsCommand,
  waitUntilChangeSetCreateComplete,
  waitUntilStackCreateComplete,
  waitUntilStackUpdateComplete,
} from '@aws-sdk/client-cloudformation';
import { cloudFormationSuite } from '../__testUtils__/sdk';
import { WEB_STACK_TEMPLATE } from '../__testUtils__/templates';

describe('change sets', () => {
  const suite = cloudFormationSuite();

  it('previews a new stack in REVIEW_IN_PROGRESS, then creates it on execution', async () => {
    const created = await suite.cfn.send(
      new CreateChangeSetCommand({
        StackName: 'cs',
        ChangeSetName: 'initial',
        ChangeSetType: 'CREATE',
        TemplateBody: WEB_STACK_TEMPLATE,
      }),
    );
    expect(created.Id).toMatch(
      /^arn:aws:cloudformation:us-east-1:000000000000:changeSet\/initial\//,
    );
    await waitUntilChangeSetCreateComplete(suite.wait(), {
      StackName: 'cs',
      ChangeSetName: 'initial',
    });
    const { Stacks } = await suite.cfn.send(
      new DescribeStacksCommand({ StackName: 'cs' }),
    );
    expect(Stacks![0].StackStatus).toBe('REVIEW_IN_PROGRESS');
    const described = await suite.cfn.send(
      new DescribeChangeSetCommand({
        StackName: 'cs',
        ChangeSetName: 'initial',
      }),
    );
    expect(described.ExecutionStatus).toBe('AVAILABLE');
    expect(described.Changes).toHaveLength(10);
    expect(
      described.Changes!.every(c => c.ResourceChange?.Action === 'Add'),
    ).toBe(true);

    await suite.cfn.send(
      new ExecuteChangeSetCommand({
        StackName: 'cs',
        ChangeSetName: 'initial',
      }),
    );
    await waitUntilStackCreateComplete(suite.wait(), { StackName: 'cs' });
    const after = await suite.cfn.send(
      new DescribeChangeSetCommand({ ChangeSetName: created.Id }),
    );
    expect(after.ExecutionStatus).toBe('EXECUTE_COMPLETE');
  });

  it('shows modifications for a parameter change and fails an empty change set', async () => {
    await suite.cfn.send(
      new CreateChangeSetCommand({
        StackName: 'cs',
        ChangeSetName: 'scale',
        UsePreviousTemplate: true,
        Parameters: [{ ParameterKey: 'DesiredCount', ParameterValue: '3' }],
      }),
    );
    const scale = await suite.cfn.send(
      new DescribeChangeSetCommand({ StackName: 'cs', ChangeSetName: 'scale' }),
    );
    expect(
      scale.Changes!.map(c => [
        c.ResourceChange?.Action,
        c.ResourceChange?.LogicalResourceId,
      ]),
    ).toEqual([['Modify', 'Service']]);

    await suite.cfn.send(
      new CreateChangeSetCommand({
        StackName: 'cs',
        ChangeSetName: 'same',
        UsePreviousTemplate: true,
      }),
    );
    const same = await suite.cfn.send(
      new DescribeChangeSetCommand({ StackName: 'cs', ChangeSetName: 'same' }),
    );
    expect(same.Status).toBe('FAILED');
    expect(same.StatusReason).toBe(
      "The submitted information didn't contain changes. Submit different information to create a change set.",
    );
    await expect(
      suite.cfn.send(
        new ExecuteChangeSetCommand({ StackName: 'cs', ChangeSetName: 'same' }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidChangeSetStatusException',
    });

    await suite.cfn.send(
      new ExecuteChangeSetCommand({ StackName: 'cs', ChangeSetName: 'scale' }),
    );
    await waitUntilStackUpdateComplete(suite.wait(), { StackName: 'cs' });
    const { Summaries } = await suite.cfn.send(
      new ListChangeSetsCommand({ StackName: 'cs' }),
    );
    expect(Summaries!.map(s => [s.ChangeSetName, s.ExecutionStatus])).toEqual([
      ['initial', 'EXECUTE_COMPLETE'],
      ['scale', 'EXECUTE_COMPLETE'],
      ['same', 'UNAVAILABLE'],
    ]);
    await expect(
      suite.cfn.send(
        new DescribeChangeSetCommand({
          StackName: 'cs',
          ChangeSetName: 'nope',
        }),
      ),
    ).rejects.toMatchObject({
      name: 'ChangeSetNotFoundException',
      message: 'ChangeSet [nope] does not exist',
    });
  });
});
