/**
 * Safe changes to data services: which resources holding data an update
 * would replace (or delete), so the driver can refuse it before anything is
 * applied. The rules are CloudFormation's, per resource type: the
 * properties whose change makes CloudFormation create a new physical
 * resource and delete the old one ("Update requires: Replacement"), as the
 * CloudFormation resource specification (`@aws-cdk/aws-service-spec`)
 * lists them; `replacementGuard.test.ts` checks this table against it.
 */
import { readTemplateBody } from './templateBody';

/**
 * Resource types that hold data, with the properties that replace them.
 * `Engine` of a DB instance is "Conditional" in the specification (a change
 * within an engine family is in place); any engine change is refused here,
 * as one across families replaces the instance.
 */
export const DATA_RESOURCE_REPLACING_PROPERTIES: Record<string, string[]> = {
  'AWS::RDS::DBInstance': [
    'BackupTarget',
    'CharacterSetName',
    'CustomIAMInstanceProfile',
    'DBClusterIdentifier',
    'DBInstanceIdentifier',
    'DBName',
    'DBSubnetGroupName',
    'DBSystemId',
    'Engine',
    'KmsKeyId',
    'MasterUsername',
    'NcharCharacterSetName',
    'Port',
    'SourceRegion',
    'StorageEncrypted',
    'Timezone',
  ],
  'AWS::ElastiCache::ReplicationGroup': [
    'AtRestEncryptionEnabled',
    'CacheSubnetGroupName',
    'DataTieringEnabled',
    'Engine',
    'GlobalReplicationGroupId',
    'KmsKeyId',
    'NetworkType',
    'Port',
    'PreferredCacheClusterAZs',
    'ReplicasPerNodeGroup',
    'ReplicationGroupId',
    'SnapshotArns',
    'SnapshotName',
  ],
  'AWS::S3::Bucket': [
    'BucketName',
    'BucketNamePrefix',
    'BucketNamespace',
    'ObjectLockEnabled',
  ],
  'AWS::SQS::Queue': ['FifoQueue', 'QueueName'],
};

/** One data resource an update would replace or delete. */
export interface DataLoss {
  logicalId: string;
  type: string;
  /** `replaced` (with the properties that force it) or `deleted`. */
  change: 'replaced' | 'deleted';
  properties: string[];
}

type Json = Record<string, any>;

/**
 * Values of one template under given parameter values: `Ref`s to
 * parameters become their values (given, else the default), conditions are
 * evaluated; anything else stays as written, which is what a comparison of
 * two versions of the same template needs.
 */
class Evaluated {
  constructor(
    private readonly template: Json,
    private readonly parameters: Record<string, string>,
  ) {}

  value(v: unknown): unknown {
    if (Array.isArray(v)) return v.map(x => this.value(x));
    if (v === null || typeof v !== 'object') {
      return v === undefined ? undefined : String(v);
    }
    const node = v as Json;
    if (typeof node.Ref === 'string' && Object.keys(node).length === 1) {
      const declared = this.template.Parameters?.[node.Ref];
      if (declared) {
        if (node.Ref in this.parameters) return this.parameters[node.Ref];
        return declared.Default === undefined
          ? undefined
          : String(declared.Default);
      }
      return node;
    }
    const sub = node['Fn::Sub'];
    if (sub !== undefined && Object.keys(node).length === 1) {
      // Parameters named in the text become their values; pseudo
      // parameters and resource attributes stay as written.
      const [text, variables] = Array.isArray(sub) ? sub : [sub, {}];
      if (typeof text === 'string') {
        const own = this.value(variables ?? {}) as Record<string, unknown>;
        return {
          'Fn::Sub': text.replace(/\$\{([^}!]+)\}/g, (whole, name) => {
            if (name in own) return `${JSON.stringify(own[name])}`;
            const value = this.value({ Ref: name });
            return typeof value === 'string' ? value : whole;
          }),
        };
      }
    }
    if (Array.isArray(node['Fn::If']) && Object.keys(node).length === 1) {
      const [condition, yes, no] = node['Fn::If'];
      const holds = this.condition(condition);
      if (holds !== undefined) return this.value(holds ? yes : no);
    }
    return Object.fromEntries(
      Object.entries(node).map(([k, x]) => [k, this.value(x)]),
    );
  }

  /** Whether a condition holds; `undefined` when it cannot be told. */
  condition(name: unknown, depth = 0): boolean | undefined {
    const expression = this.template.Conditions?.[String(name)];
    return expression === undefined
      ? undefined
      : this.holds(expression, depth + 1);
  }

  private holds(e: any, depth: number): boolean | undefined {
    if (depth > 20 || e === null || typeof e !== 'object') return undefined;
    if (typeof e.Condition === 'string')
      return this.condition(e.Condition, depth);
    if (Array.isArray(e['Fn::Equals'])) {
      const [a, b] = e['Fn::Equals'].map((x: unknown) => this.value(x));
      return typeof a === 'string' && typeof b === 'string'
        ? a === b
        : undefined;
    }
    if (Array.isArray(e['Fn::Not'])) {
      const inner = this.holds(e['Fn::Not'][0], depth + 1);
      return inner === undefined ? undefined : !inner;
    }
    const parts = (list: unknown[]) => list.map(x => this.holds(x, depth + 1));
    if (Array.isArray(e['Fn::And'])) {
      const all = parts(e['Fn::And']);
      if (all.includes(false)) return false;
      return all.includes(undefined) ? undefined : true;
    }
    if (Array.isArray(e['Fn::Or'])) {
      const any = parts(e['Fn::Or']);
      if (any.includes(true)) return true;
      return any.includes(undefined) ? undefined : false;
    }
    return undefined;
  }

  /** The resources that exist under these parameters (unknown: exists). */
  resources(): Map<string, Json> {
    const all = (this.template.Resources ?? {}) as Record<string, Json>;
    return new Map(
      Object.entries(all).filter(
        ([, r]) => !r?.Condition || this.condition(r.Condition) !== false,
      ),
    );
  }
}

const same = (a: unknown, b: unknown) =>
  JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * The data resources of the deployed stack (`current`, with the parameter
 * values it was deployed with) that updating it to `next` would replace or
 * delete. Empty when the update keeps every one of them.
 */
export function dataLossOfUpdate(
  current: { body: string; parameters: Record<string, string> },
  next: { body: string; parameters: Record<string, string> },
): DataLoss[] {
  const before = readTemplateBody(current.body);
  const after = readTemplateBody(next.body);
  if (!before || !after) return [];
  const old = new Evaluated(before, current.parameters);
  const now = new Evaluated(after, next.parameters);
  const nextResources = now.resources();
  const losses: DataLoss[] = [];
  for (const [logicalId, resource] of old.resources()) {
    const replacing = DATA_RESOURCE_REPLACING_PROPERTIES[resource.Type];
    if (!replacing) continue;
    const successor = nextResources.get(logicalId);
    if (!successor || successor.Type !== resource.Type) {
      losses.push({
        logicalId,
        type: resource.Type,
        change: successor ? 'replaced' : 'deleted',
        properties: successor ? ['Type'] : [],
      });
      continue;
    }
    const changed = replacing.filter(
      name =>
        !same(
          old.value(resource.Properties?.[name]),
          now.value(successor.Properties?.[name]),
        ),
    );
    if (changed.length) {
      losses.push({
        logicalId,
        type: resource.Type,
        change: 'replaced',
        properties: changed,
      });
    }
  }
  return losses;
}

/** What the refusal says: each resource, what happens to it and why. */
export function describeDataLoss(stackName: string, losses: DataLoss[]) {
  const items = losses.map(l =>
    l.change === 'deleted'
      ? `${l.logicalId} (${l.type}) would be deleted and its data lost`
      : `${l.logicalId} (${
          l.type
        }) would be replaced, because ${l.properties.join(
          ', ',
        )} changed, and its data lost`,
  );
  return `Update of stack ${stackName} refused: ${items.join(
    '; ',
  )}. Nothing was changed and the environment keeps running as it was. Undo the change, or, if losing the data is intended, set allowReplacement: true on the resource in the EnvironmentTemplate.`;
}
