/**
 * CloudFormation query-protocol actions over the stack store, answering
 * with the XML documents the real service returns.
 */
import {
  AwsError,
  readList,
  type QueryParams,
  type XmlValue,
} from '../aws/query';
import { isoMillis } from '../util/time';
import { importers, listExports } from './exports';
import { MASK, noEchoNames } from './noEcho';
import { required, templateBody, templateInput } from './queryInput';
import { requiredCapability } from './templateParser';
import type { Stack, StackInput, StackResource, StackStore } from './stacks';
import type { ParameterDeclaration, Template } from './templateParser';

type Result = Record<string, XmlValue> | undefined;
type Handler = (params: QueryParams) => Result;

function stackInput(
  params: QueryParams,
  options: { previousAllowed?: boolean } = {},
): StackInput {
  return {
    ...templateInput(params, options),
    clientRequestToken: params.get('ClientRequestToken'),
    disableRollback:
      params.get('DisableRollback') === 'true' ||
      params.get('OnFailure') === 'DO_NOTHING',
  };
}

/**
 * The parameters a template declares, as both template actions list them;
 * `more` adds the fields only one of them has.
 */
function declaredParameters(
  template: Template,
  more: (
    parameter: ParameterDeclaration,
  ) => Record<string, XmlValue> = () => ({}),
): XmlValue[] {
  return Object.entries(template.Parameters ?? {}).map(([key, parameter]) => ({
    ParameterKey: key,
    DefaultValue:
      parameter.Default === undefined ? undefined : String(parameter.Default),
    NoEcho: parameter.NoEcho === true || parameter.NoEcho === 'true',
    Description: parameter.Description,
    ...more(parameter),
  }));
}

function date(value: Date | undefined): string | undefined {
  return value ? isoMillis(value) : undefined;
}

function describeStack(stack: Stack): Record<string, XmlValue> {
  const hidden = noEchoNames(stack.template);
  return {
    StackId: stack.stackId,
    StackName: stack.stackName,
    Description: stack.description,
    Parameters: Object.entries(stack.parameters).map(([k, v]) => ({
      ParameterKey: k,
      ParameterValue: hidden.has(k) ? MASK : v,
    })),
    CreationTime: date(stack.creationTime),
    LastUpdatedTime: date(stack.lastUpdatedTime),
    DeletionTime: date(stack.deletionTime),
    RollbackConfiguration: {},
    StackStatus: stack.status,
    StackStatusReason: stack.reason,
    DisableRollback: stack.disableRollback,
    NotificationARNs: [],
    RoleARN: stack.roleArn,
    Capabilities: stack.capabilities.length ? stack.capabilities : undefined,
    Outputs: stack.outputs.length
      ? stack.outputs.map(o => ({
          OutputKey: o.key,
          OutputValue: o.value,
          Description: o.description,
          ExportName: o.exportName,
        }))
      : undefined,
    Tags: stack.tags.map(t => ({ Key: t.Key, Value: t.Value })),
    EnableTerminationProtection: false,
    DriftInformation: { StackDriftStatus: 'NOT_CHECKED' },
  };
}

function resourceXml(stack: Stack, r: StackResource): Record<string, XmlValue> {
  return {
    StackName: stack.stackName,
    StackId: stack.stackId,
    LogicalResourceId: r.logicalId,
    PhysicalResourceId: r.physicalId,
    ResourceType: r.type,
    Timestamp: isoMillis(r.timestamp),
    ResourceStatus: r.status,
    ResourceStatusReason: r.reason,
    DriftInformation: { StackResourceDriftStatus: 'NOT_CHECKED' },
  };
}

/** One page of `items` from the `NextToken` (an offset) the caller sent. */
function pageOf<T>(
  items: T[],
  params: QueryParams,
  size: number,
): { page: T[]; next?: string } {
  const start = Number(params.get('NextToken') ?? '0') || 0;
  return {
    page: items.slice(start, start + size),
    next: start + size < items.length ? String(start + size) : undefined,
  };
}

function startedResources(stack: Stack): StackResource[] {
  return [...stack.resources.values()].filter(r => r.status !== undefined);
}

export function cloudFormationHandlers(
  store: StackStore,
): Record<string, Handler> {
  return {
    CreateStack: params => ({
      StackId: store.create(stackInput(params)).stackId,
    }),

    UpdateStack: params => ({
      StackId: store.update(stackInput(params, { previousAllowed: true }))
        .stackId,
    }),

    DeleteStack: params => {
      store.delete(required(params, 'StackName'), {
        roleArn: params.get('RoleARN'),
        clientRequestToken: params.get('ClientRequestToken'),
      });
      return undefined;
    },

    DescribeStacks: params => {
      const name = params.get('StackName');
      const stacks = name
        ? [store.get(name)]
        : store.all().filter(s => s.status !== 'DELETE_COMPLETE');
      return { Stacks: stacks.map(describeStack) };
    },

    DescribeStackEvents: params => {
      const stack = store.get(required(params, 'StackName'));
      return {
        StackEvents: stack.events.map(e => ({
          StackId: stack.stackId,
          EventId: e.eventId,
          StackName: stack.stackName,
          LogicalResourceId: e.logicalId,
          PhysicalResourceId: e.physicalId ?? '',
          ResourceType: e.resourceType,
          Timestamp: isoMillis(e.timestamp),
          ResourceStatus: e.status,
          ResourceStatusReason: e.reason,
          ResourceProperties: e.properties,
          ClientRequestToken: e.clientRequestToken,
        })),
      };
    },

    DescribeStackResources: params => {
      const name = params.get('StackName');
      const physical = params.get('PhysicalResourceId');
      let stack: Stack | undefined;
      if (name) stack = store.get(name);
      else if (physical) {
        stack = store
          .all()
          .find(s =>
            [...s.resources.values()].some(r => r.physicalId === physical),
          );
        if (!stack)
          throw new AwsError(
            'ValidationError',
            `Stack for ${physical} does not exist`,
          );
      } else {
        throw new AwsError(
          'ValidationError',
          'Either StackName or PhysicalResourceId must be specified.',
        );
      }
      const logical = params.get('LogicalResourceId');
      const found = stack;
      return {
        StackResources: startedResources(found)
          .filter(r => !logical || r.logicalId === logical)
          .map(r => resourceXml(found, r)),
      };
    },

    ListStackResources: params => {
      const stack = store.get(required(params, 'StackName'));
      return {
        StackResourceSummaries: startedResources(stack).map(r => ({
          LogicalResourceId: r.logicalId,
          PhysicalResourceId: r.physicalId,
          ResourceType: r.type,
          LastUpdatedTimestamp: isoMillis(r.timestamp),
          ResourceStatus: r.status,
          ResourceStatusReason: r.reason,
          DriftInformation: { StackResourceDriftStatus: 'NOT_CHECKED' },
        })),
      };
    },

    ListStacks: params => {
      const filter = readList(params, 'StackStatusFilter');
      const matching = store
        .all()
        .reverse()
        .filter(s => filter.length === 0 || filter.includes(s.status));
      const { page, next } = pageOf(matching, params, store.pageSize);
      return {
        StackSummaries: page.map(s => ({
          StackId: s.stackId,
          StackName: s.stackName,
          TemplateDescription: s.description,
          CreationTime: date(s.creationTime),
          LastUpdatedTime: date(s.lastUpdatedTime),
          DeletionTime: date(s.deletionTime),
          StackStatus: s.status,
          StackStatusReason: s.reason,
          DriftInformation: { StackDriftStatus: 'NOT_CHECKED' },
        })),
        NextToken: next,
      };
    },

    ListExports: params => {
      const { page, next } = pageOf(
        listExports(store.all()),
        params,
        store.pageSize,
      );
      return {
        Exports: page.map(e => ({
          ExportingStackId: e.stackId,
          Name: e.name,
          Value: e.value,
        })),
        NextToken: next,
      };
    },

    ListImports: params => {
      const name = required(params, 'ExportName');
      const users = importers(store.all(), name);
      if (users.length === 0) {
        throw new AwsError(
          'ValidationError',
          `Export '${name}' is not imported by any stack.`,
        );
      }
      const { page, next } = pageOf(users, params, store.pageSize);
      return { Imports: page, NextToken: next };
    },

    GetTemplate: params => {
      const stack = store.get(required(params, 'StackName'));
      return {
        TemplateBody: stack.templateBody,
        StagesAvailable: ['Original', 'Processed'],
      };
    },

    GetTemplateSummary: params => {
      const stackName = params.get('StackName');
      const template = store.prepareForValidation(
        !params.get('TemplateBody') && stackName
          ? store.get(stackName).templateBody
          : templateBody(params),
      );
      const capability = requiredCapability(template);
      return {
        Parameters: declaredParameters(template, p => ({
          ParameterType: p.Type,
          ParameterConstraints: {
            AllowedValues: (p.AllowedValues ?? []).map(String),
          },
        })),
        Description: template.Description,
        Capabilities: capability ? [capability] : [],
        ResourceTypes: [
          ...new Set(Object.values(template.Resources).map(r => r.Type)),
        ],
        Version: template.AWSTemplateFormatVersion ?? '2010-09-09',
        DeclaredTransforms: [],
      };
    },

    ValidateTemplate: params => {
      // Parameters without values are fine here, so feed each its default or a placeholder.
      const template = store.prepareForValidation(templateBody(params));
      const capability = requiredCapability(template);
      const iamTypes = [
        ...new Set(Object.values(template.Resources).map(r => r.Type)),
      ].filter(t => t.startsWith('AWS::IAM::'));
      return {
        Parameters: declaredParameters(template),
        Description: template.Description,
        Capabilities: capability ? [capability] : [],
        CapabilitiesReason: capability
          ? `The following resource(s) require capabilities: [${iamTypes.join(
              ', ',
            )}]`
          : undefined,
        DeclaredTransforms: [],
      };
    },
  };
}
