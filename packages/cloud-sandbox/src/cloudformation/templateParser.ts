/**
 * Parses CloudFormation template bodies, JSON or YAML. YAML short-form tags
 * (`!Ref`, `!GetAtt`, `!Sub`, …) are turned into their long JSON forms so
 * the rest of the emulator only ever sees `{ "Fn::Sub": … }` objects.
 */
import { parseDocument, YAMLMap, YAMLSeq, type Tags } from 'yaml';
import { AwsError } from '../aws/query';

export type TemplateValue =
  | string
  | number
  | boolean
  | null
  | TemplateValue[]
  | { [key: string]: TemplateValue };

export interface ParameterDeclaration {
  Type: string;
  Default?: TemplateValue;
  AllowedValues?: TemplateValue[];
  AllowedPattern?: string;
  Description?: string;
  NoEcho?: boolean | string;
}

export interface ResourceDeclaration {
  Type: string;
  Properties?: Record<string, TemplateValue>;
  DependsOn?: string | string[];
  Condition?: string;
  DeletionPolicy?: string;
}

export interface OutputDeclaration {
  Value: TemplateValue;
  Description?: string;
  Condition?: string;
  Export?: { Name: TemplateValue };
}

export interface Template {
  AWSTemplateFormatVersion?: string;
  Description?: string;
  Parameters?: Record<string, ParameterDeclaration>;
  Mappings?: Record<string, Record<string, Record<string, TemplateValue>>>;
  Conditions?: Record<string, TemplateValue>;
  Resources: Record<string, ResourceDeclaration>;
  Outputs?: Record<string, OutputDeclaration>;
}

const FUNCTIONS = [
  'And',
  'Base64',
  'Cidr',
  'Equals',
  'FindInMap',
  'GetAtt',
  'GetAZs',
  'If',
  'ImportValue',
  'Join',
  'Not',
  'Or',
  'Select',
  'Split',
  'Sub',
  'Transform',
];

function functionKey(name: string): string {
  return name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
}

function shortFormTags(): Tags {
  const tags: Tags = [];
  for (const name of ['Ref', 'Condition', ...FUNCTIONS]) {
    const key = functionKey(name);
    tags.push({
      tag: `!${name}`,
      resolve: (text: string) =>
        name === 'GetAtt' ? { [key]: splitGetAtt(text) } : { [key]: text },
    });
    tags.push({
      tag: `!${name}`,
      collection: 'seq',
      resolve: (node: unknown) => ({
        [key]: (node as YAMLSeq).toJSON(),
      }),
    });
    tags.push({
      tag: `!${name}`,
      collection: 'map',
      resolve: (node: unknown) => ({
        [key]: (node as YAMLMap).toJSON(),
      }),
    });
  }
  return tags;
}

function splitGetAtt(text: string): string[] {
  const dot = text.indexOf('.');
  return dot < 0 ? [text] : [text.slice(0, dot), text.slice(dot + 1)];
}

const tags = shortFormTags();

function formatError(message: string): AwsError {
  return new AwsError('ValidationError', `Template format error: ${message}`);
}

export function parseTemplate(body: string): Template {
  const trimmed = body.trim();
  let parsed: unknown;
  if (trimmed.startsWith('{')) {
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      throw formatError('JSON not well-formed.');
    }
  } else {
    const doc = parseDocument(body, { customTags: tags, uniqueKeys: false });
    if (doc.errors.length > 0) {
      const pos = doc.errors[0].linePos?.[0];
      const where = pos ? ` (line ${pos.line}, column ${pos.col})` : '';
      throw formatError(`YAML not well-formed.${where}`);
    }
    parsed = doc.toJS();
  }
  return validateShape(parsed);
}

function validateShape(parsed: unknown): Template {
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw formatError('template is not a JSON or YAML object');
  }
  const template = parsed as Partial<Template>;
  if (
    !template.Resources ||
    typeof template.Resources !== 'object' ||
    Object.keys(template.Resources).length === 0
  ) {
    throw formatError('At least one Resources member must be defined.');
  }
  for (const [name, resource] of Object.entries(template.Resources)) {
    if (!resource || typeof resource.Type !== 'string') {
      throw formatError(
        `[/Resources/${name}] Every Resources object must contain a Type member.`,
      );
    }
  }
  return template as Template;
}

/** IAM resource types and the property that gives each an explicit name. */
const IAM_NAME_PROPERTIES: Record<string, string | undefined> = {
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::User': 'UserName',
  'AWS::IAM::Group': 'GroupName',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::IAM::InstanceProfile': 'InstanceProfileName',
  'AWS::IAM::Policy': undefined,
  'AWS::IAM::AccessKey': undefined,
  'AWS::IAM::UserToGroupAddition': undefined,
};

/** Which capability the template needs, as CloudFormation decides it. */
export function requiredCapability(
  template: Template,
): 'CAPABILITY_IAM' | 'CAPABILITY_NAMED_IAM' | undefined {
  let needed: 'CAPABILITY_IAM' | 'CAPABILITY_NAMED_IAM' | undefined;
  for (const resource of Object.values(template.Resources)) {
    if (!resource.Type.startsWith('AWS::IAM::')) continue;
    const nameProperty = IAM_NAME_PROPERTIES[resource.Type];
    if (nameProperty && resource.Properties?.[nameProperty] !== undefined) {
      return 'CAPABILITY_NAMED_IAM';
    }
    needed = 'CAPABILITY_IAM';
  }
  return needed;
}
