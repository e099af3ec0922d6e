/**
 * The data services stacks' resources become: a created `AWS::S3::Bucket`
 * is a bucket S3 lists, an `AWS::SQS::Queue` a queue SQS describes, an
 * `AWS::RDS::DBInstance` an instance RDS describes (with its managed
 * master-password secret), each carrying the stack's tags as CloudFormation
 * propagates them.
 */
import { AwsError } from '../aws/query';
import type { ResourceTable } from '../aws/resourceTable';
import { initialSecretValue } from '../cloudformation/dynamicReferences';
import type { EffectTarget } from '../cloudformation/effects';
import type { Resolved } from '../cloudformation/intrinsics';
import { ElastiCacheState } from '../elasticache/state';
import { RdsState } from '../rds/state';
import { S3State } from '../s3/state';
import { SecretsManagerState } from '../secretsmanager/state';
import { SqsState } from '../sqs/state';
import { requestId } from '../util/ids';
import { hasTag, resourceTags, type Tag } from './tags';

/** One resource the data services hold, as a tag query lists it. */
export interface TaggedResource {
  arn: string;
  type: string;
  tags: Tag[];
}

/** SQS attributes a template sets as properties of the same name. */
const QUEUE_ATTRIBUTES = [
  'DelaySeconds',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'ReceiveMessageWaitTimeSeconds',
  'VisibilityTimeout',
  'KmsMasterKeyId',
  'KmsDataKeyReusePeriodSeconds',
  'SqsManagedSseEnabled',
  'FifoQueue',
  'ContentBasedDeduplication',
];

function strings(value: Resolved | undefined): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

function flag(value: Resolved | undefined): boolean {
  return String(value) === 'true';
}

function optional(value: Resolved | undefined): string | undefined {
  return value === undefined || value === null ? undefined : String(value);
}

function attributeText(value: Resolved): string {
  return value !== null && typeof value === 'object'
    ? JSON.stringify(value)
    : String(value);
}

export class DataServices {
  readonly s3 = new S3State();
  readonly sqs = new SqsState();
  readonly rds = new RdsState();
  readonly elastiCache = new ElastiCacheState();
  readonly secrets = new SecretsManagerState();

  /**
   * Every service's resources, by the CloudFormation type that makes them
   * and the type a tag query lists them as.
   */
  private readonly tables: Array<
    [string, string, ResourceTable<{ arn: string; tags: Tag[] }>]
  > = [
    ['AWS::S3::Bucket', 's3:bucket', this.s3],
    ['AWS::SQS::Queue', 'sqs:queue', this.sqs],
    ['AWS::RDS::DBInstance', 'rds:db', this.rds],
    [
      'AWS::ElastiCache::ReplicationGroup',
      'elasticache:replicationgroup',
      this.elastiCache,
    ],
    ['AWS::SecretsManager::Secret', 'secretsmanager:secret', this.secrets],
  ];

  constructor(
    private readonly region: string,
    private readonly accountId: string,
  ) {}

  reset(): void {
    for (const [, , table] of this.tables) table.reset();
  }

  create(resource: EffectTarget, stackTags: Tag[]): void {
    const p = resource.properties;
    const tags = resourceTags(stackTags, p.Tags);
    switch (resource.type) {
      case 'AWS::S3::Bucket':
        this.s3.create(resource.physicalId, this.region, tags);
        return;
      case 'AWS::SQS::Queue': {
        const attributes: Record<string, string> = {};
        for (const name of QUEUE_ATTRIBUTES) {
          if (p[name] !== undefined) attributes[name] = attributeText(p[name]);
        }
        for (const name of ['RedrivePolicy', 'RedriveAllowPolicy']) {
          if (p[name] !== undefined) attributes[name] = JSON.stringify(p[name]);
        }
        this.sqs.create(
          {
            name: String(resource.attributes.QueueName),
            url: resource.physicalId,
            arn: String(resource.attributes.Arn),
            tags,
          },
          attributes,
        );
        return;
      }
      case 'AWS::SecretsManager::Secret':
        this.secrets.create({
          arn: resource.physicalId,
          name: secretName(resource.physicalId),
          description: optional(p.Description),
          kmsKeyId: optional(p.KmsKeyId),
          value: initialSecretValue(p),
          tags,
        });
        return;
      case 'AWS::RDS::DBInstance':
        this.createDbInstance(resource, tags);
        return;
      case 'AWS::ElastiCache::ReplicationGroup': {
        const a = resource.attributes;
        this.elastiCache.create({
          id: resource.physicalId,
          arn: `arn:aws:elasticache:${this.region}:${this.accountId}:replicationgroup:${resource.physicalId}`,
          description: String(p.ReplicationGroupDescription ?? ''),
          engine: String(p.Engine ?? 'redis').toLowerCase(),
          cacheNodeType: optional(p.CacheNodeType),
          numCacheClusters: Number(p.NumCacheClusters ?? 1),
          transitEncryption: flag(p.TransitEncryptionEnabled),
          atRestEncryption: flag(p.AtRestEncryptionEnabled),
          authTokenEnabled: p.AuthToken !== undefined,
          primary: {
            address: String(a['PrimaryEndPoint.Address']),
            port: Number(a['PrimaryEndPoint.Port']),
          },
          reader: {
            address: String(a['ReaderEndPoint.Address']),
            port: Number(a['ReaderEndPoint.Port']),
          },
          tags,
        });
        return;
      }
      default:
    }
  }

  private createDbInstance(resource: EffectTarget, tags: Tag[]): void {
    const p = resource.properties;
    const a = resource.attributes;
    const dbArn = String(a.DBInstanceArn);
    const secretArn = optional(a['MasterUserSecret.SecretArn']);
    if (secretArn) {
      // RDS owns the secret it keeps the master password in.
      this.secrets.create({
        arn: secretArn,
        name: secretName(secretArn),
        description: `Secret associated with primary RDS DB instance: ${dbArn}`,
        owningService: 'rds',
        tags: [
          { Key: 'aws:rds:primaryDBInstanceArn', Value: dbArn },
          { Key: 'aws:secretsmanager:owningService', Value: 'rds' },
        ],
      });
    }
    this.rds.create({
      identifier: resource.physicalId,
      arn: dbArn,
      resourceId: String(a.DbiResourceId),
      engine: String(p.Engine ?? 'postgres'),
      engineVersion: optional(p.EngineVersion),
      instanceClass: String(p.DBInstanceClass ?? ''),
      dbName: optional(p.DBName),
      masterUsername: optional(p.MasterUsername),
      allocatedStorage:
        p.AllocatedStorage === undefined
          ? undefined
          : Number(p.AllocatedStorage),
      storageEncrypted: flag(p.StorageEncrypted),
      publiclyAccessible: flag(p.PubliclyAccessible),
      multiAz: flag(p.MultiAZ),
      deletionProtection: flag(p.DeletionProtection),
      subnetGroupName: optional(p.DBSubnetGroupName),
      securityGroupIds: strings(p.VPCSecurityGroups),
      address: String(a['Endpoint.Address']),
      port: Number(a['Endpoint.Port']),
      hostedZoneId: String(a['Endpoint.HostedZoneId']),
      masterUserSecretArn: secretArn,
      masterUserPassword: optional(p.MasterUserPassword),
      tags,
    });
  }

  /**
   * An in-place update: a DB instance or replication group resized (class,
   * storage, version), as ModifyDBInstance / ModifyReplicationGroup do.
   */
  update(resource: EffectTarget): void {
    const p = resource.properties;
    if (resource.type === 'AWS::RDS::DBInstance') {
      const instance = this.rds.byId.get(resource.physicalId);
      if (!instance) return;
      instance.instanceClass = String(p.DBInstanceClass ?? '');
      instance.engineVersion = optional(p.EngineVersion);
      if (p.AllocatedStorage !== undefined) {
        instance.allocatedStorage = Number(p.AllocatedStorage);
      }
      if (p.MasterUserPassword !== undefined) {
        instance.masterUserPassword = optional(p.MasterUserPassword);
      }
    }
    if (resource.type === 'AWS::ElastiCache::ReplicationGroup') {
      const group = this.elastiCache.byId.get(resource.physicalId);
      if (group) group.cacheNodeType = optional(p.CacheNodeType);
    }
  }

  /** Deletes the resource; returns CloudFormation's reason when S3 refuses. */
  delete(resource: EffectTarget): string | undefined {
    const id = resource.physicalId;
    if (resource.type === 'AWS::S3::Bucket') {
      try {
        if (this.s3.byId.has(id)) this.s3.delete(id);
        return undefined;
      } catch (error) {
        if (!(error instanceof AwsError)) throw error;
        return `${error.message} (Service: Amazon S3; Status Code: ${
          error.status
        }; Error Code: ${error.code}; Request ID: ${requestId()
          .replace(/-/g, '')
          .slice(0, 16)
          .toUpperCase()}; S3 Extended Request ID: ${Buffer.from(
          requestId(),
        ).toString('base64')}; Proxy: null)`;
      }
    }
    if (resource.type === 'AWS::RDS::DBInstance') {
      // RDS deletes the master-password secret it manages with the instance.
      const secret = resource.attributes['MasterUserSecret.SecretArn'];
      if (secret) this.secrets.delete(String(secret));
    }
    for (const [type, , table] of this.tables) {
      if (type === resource.type) table.delete(id);
    }
    return undefined;
  }

  /** Every resource carrying tag `key` (with `value`), or all of them. */
  tagged(filter?: { key: string; value?: string }): TaggedResource[] {
    const all: TaggedResource[] = this.tables.flatMap(([, type, table]) =>
      [...table.byId.values()].map(r => ({ arn: r.arn, type, tags: r.tags })),
    );
    return filter ? all.filter(r => hasTag(r.tags, filter)) : all;
  }
}

/** A secret's name: its ARN's resource part without the random suffix. */
function secretName(secretArn: string): string {
  const resource = secretArn.slice(secretArn.indexOf(':secret:') + 8);
  return resource.replace(/-[A-Za-z0-9]{6}$/, '');
}
