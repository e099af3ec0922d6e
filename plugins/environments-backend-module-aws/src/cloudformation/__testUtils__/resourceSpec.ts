/**
 * Checks CloudFormation templates against the AWS CloudFormation resource
 * specification as `@aws-cdk/aws-service-spec` ships it: every resource type
 * exists, every property is known, required properties are present and
 * literal values are among the allowed ones. Values built by intrinsic
 * functions are left to CloudFormation.
 */
import type { loadAwsServiceSpec } from '@aws-cdk/aws-service-spec';

type SpecDatabase = Awaited<ReturnType<typeof loadAwsServiceSpec>>;

type Json = any;

interface PropertySpec {
  type: TypeSpec;
  required?: boolean;
}

interface TypeSpec {
  type: string;
  allowedValues?: string[];
  reference?: { $ref: string };
  element?: TypeSpec;
}

function isIntrinsic(value: Json): boolean {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'));
}

/** Problems of one template, each naming the resource and property path. */
export function specProblems(db: SpecDatabase, template: Json): string[] {
  const problems: string[] = [];

  function checkProperties(
    spec: Record<string, PropertySpec>,
    value: Json,
    path: string,
  ) {
    if (isIntrinsic(value)) return;
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      problems.push(`${path}: expected an object`);
      return;
    }
    for (const key of Object.keys(value)) {
      if (!(key in spec)) problems.push(`${path}.${key}: unknown property`);
    }
    for (const [name, property] of Object.entries(spec)) {
      if (property.required && !(name in value)) {
        problems.push(`${path}.${name}: required property missing`);
      }
    }
    for (const [key, item] of Object.entries<Json>(value)) {
      if (key in spec) checkValue(spec[key].type, item, `${path}.${key}`);
    }
  }

  function checkValue(type: TypeSpec, value: Json, path: string) {
    if (isIntrinsic(value)) return;
    switch (type.type) {
      case 'string':
        if (
          type.allowedValues &&
          typeof value === 'string' &&
          !type.allowedValues.includes(value)
        ) {
          problems.push(
            `${path}: '${value}' is not one of ${type.allowedValues.join(
              ', ',
            )}`,
          );
        }
        return;
      case 'ref': {
        const definition = db.get(
          'typeDefinition',
          type.reference!.$ref,
        ) as unknown as { properties: Record<string, PropertySpec> };
        checkProperties(definition.properties, value, path);
        return;
      }
      case 'array':
        if (Array.isArray(value)) {
          value.forEach((item, i) =>
            checkValue(type.element!, item, `${path}[${i}]`),
          );
        }
        return;
      case 'map':
        if (value && typeof value === 'object') {
          for (const [key, item] of Object.entries<Json>(value)) {
            checkValue(type.element!, item, `${path}.${key}`);
          }
        }
        return;
      default:
    }
  }

  for (const [logicalId, resource] of Object.entries<Json>(
    template.Resources ?? {},
  )) {
    const found = db.lookup(
      'resource',
      'cloudFormationType',
      'equals',
      resource.Type,
    );
    if (found.length === 0) {
      problems.push(`${logicalId}: unknown resource type ${resource.Type}`);
      continue;
    }
    const spec = found[0] as unknown as {
      properties: Record<string, PropertySpec>;
    };
    checkProperties(
      spec.properties,
      resource.Properties ?? {},
      `${logicalId}.Properties`,
    );
  }
  return problems;
}
