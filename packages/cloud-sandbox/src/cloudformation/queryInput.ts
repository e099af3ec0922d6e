/**
 * Request fields shared by the stack and change set actions, read from the
 * query protocol's form parameters with the errors the real service gives.
 */
import {
  AwsError,
  readList,
  readStructList,
  type QueryParams,
} from '../aws/query';
import type { StackInput } from './stacks';

export function required(params: QueryParams, name: string): string {
  const value = params.get(name);
  if (!value) {
    const member = `${name.charAt(0).toLowerCase()}${name.slice(1)}`;
    throw new AwsError(
      'ValidationError',
      `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

/** `TemplateBody`, or the error CloudFormation gives when there is none. */
export function templateBody(
  params: QueryParams,
  options: { previousAllowed?: boolean } = {},
): string {
  const body = params.get('TemplateBody') ?? '';
  if (body) return body;
  if (options.previousAllowed && params.get('UsePreviousTemplate') === 'true') {
    return '';
  }
  if (params.get('TemplateURL')) {
    throw new AwsError(
      'ValidationError',
      'TemplateURL is not supported by the cloud sandbox; pass TemplateBody',
    );
  }
  throw new AwsError(
    'ValidationError',
    'Either Template URL or Template Body must be specified.',
  );
}

/** What a stack or change set is made from: name, template, parameters, tags. */
export function templateInput(
  params: QueryParams,
  options: { previousAllowed?: boolean } = {},
): StackInput {
  const body = templateBody(params, options);
  return {
    stackName: required(params, 'StackName'),
    templateBody: body,
    parameters: readStructList(params, 'Parameters'),
    tags: readStructList(params, 'Tags').map(t => ({
      Key: t.Key ?? '',
      Value: t.Value ?? '',
    })),
    capabilities: readList(params, 'Capabilities'),
    roleArn: params.get('RoleARN'),
  };
}
