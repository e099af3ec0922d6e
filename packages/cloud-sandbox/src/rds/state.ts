/** RDS DB instances made by stacks, as DescribeDBInstances reports them. */
import { notFound, ResourceTable } from '../aws/resourceTable';
import type { Tag } from '../tagging/tags';

export interface DbInstance {
  identifier: string;
  arn: string;
  resourceId: string;
  engine: string;
  engineVersion?: string;
  instanceClass: string;
  dbName?: string;
  masterUsername?: string;
  allocatedStorage?: number;
  storageEncrypted: boolean;
  publiclyAccessible: boolean;
  multiAz: boolean;
  deletionProtection: boolean;
  subnetGroupName?: string;
  securityGroupIds: string[];
  address: string;
  port: number;
  hostedZoneId: string;
  masterUserSecretArn?: string;
  /**
   * The password the instance was given (`MasterUserPassword`, a dynamic
   * reference already resolved); never described, kept so tests can check
   * the secret and the database agree.
   */
  masterUserPassword?: string;
  tags: Tag[];
  createdAt: Date;
}

/** DB instances by identifier. */
export class RdsState extends ResourceTable<DbInstance> {
  create(instance: Omit<DbInstance, 'createdAt'>): void {
    this.byId.set(instance.identifier, {
      ...instance,
      createdAt: new Date(),
    });
  }

  /** By identifier (case-insensitive, as RDS matches) or ARN. */
  find(id: string): DbInstance {
    const wanted = id.toLowerCase();
    const found = [...this.byId.values()].find(
      i => i.identifier === wanted || i.arn === id,
    );
    if (!found) throw notFound('DBInstanceNotFound', 'DBInstance', id);
    return found;
  }
}
