/** CloudFormation change set actions (query protocol). */
import { AwsError, type QueryParams, type XmlValue } from '../aws/query';
import { isoMillis } from '../util/time';
import type { ChangeSet, ChangeSetStore } from './changeSets';
import { MASK } from './noEcho';
import { required, templateInput } from './queryInput';

type Handler = (params: QueryParams) => Record<string, XmlValue> | undefined;

function describe(
  store: ChangeSetStore,
  c: ChangeSet,
): Record<string, XmlValue> {
  return {
    ChangeSetName: c.changeSetName,
    ChangeSetId: c.changeSetId,
    StackId: c.stackId,
    StackName: c.stackName,
    Description: c.description,
    Parameters: c.input.parameters.map(p => ({
      ParameterKey: p.ParameterKey,
      ParameterValue:
        p.ParameterKey && c.noEcho.has(p.ParameterKey)
          ? MASK
          : p.ParameterValue,
    })),
    CreationTime: isoMillis(c.creationTime),
    ExecutionStatus: store.executionStatus(c),
    Status: c.status,
    StatusReason: c.statusReason,
    Capabilities: c.input.capabilities,
    Tags: c.input.tags.map(t => ({ Key: t.Key, Value: t.Value })),
    Changes: c.changes.map(change => ({
      Type: 'Resource',
      ResourceChange: {
        Action: change.action,
        LogicalResourceId: change.logicalId,
        PhysicalResourceId: change.physicalId,
        ResourceType: change.resourceType,
        Replacement: change.replacement,
        Scope: [],
        Details: [],
      },
    })),
    IncludeNestedStacks: false,
  };
}

export function changeSetHandlers(
  store: ChangeSetStore,
): Record<string, Handler> {
  return {
    CreateChangeSet: params => {
      const type = params.get('ChangeSetType') ?? 'UPDATE';
      if (type !== 'CREATE' && type !== 'UPDATE') {
        throw new AwsError(
          'ValidationError',
          `ChangeSetType ${type} is not supported by the cloud sandbox`,
        );
      }
      const input = templateInput(params, { previousAllowed: true });
      const changeSet = store.create(
        required(params, 'ChangeSetName'),
        type,
        input,
        params.get('Description'),
      );
      return { Id: changeSet.changeSetId, StackId: changeSet.stackId };
    },
    DescribeChangeSet: params =>
      describe(
        store,
        store.find(required(params, 'ChangeSetName'), params.get('StackName')),
      ),
    ExecuteChangeSet: params => {
      store.execute(required(params, 'ChangeSetName'), params.get('StackName'));
      return {};
    },
    DeleteChangeSet: params => {
      store.delete(required(params, 'ChangeSetName'), params.get('StackName'));
      return {};
    },
    ListChangeSets: params => ({
      Summaries: store.list(required(params, 'StackName')).map(c => ({
        StackId: c.stackId,
        StackName: c.stackName,
        ChangeSetId: c.changeSetId,
        ChangeSetName: c.changeSetName,
        ExecutionStatus: store.executionStatus(c),
        Status: c.status,
        StatusReason: c.statusReason,
        CreationTime: isoMillis(c.creationTime),
        Description: c.description,
        IncludeNestedStacks: false,
      })),
    }),
  };
}
