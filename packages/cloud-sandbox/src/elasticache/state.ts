/** ElastiCache replication groups (Redis OSS / Valkey) made by stacks. */
import { AwsError } from '../aws/query';
import { notFound, ResourceTable } from '../aws/resourceTable';
import type { Tag } from '../tagging/tags';

export interface ReplicationGroup {
  id: string;
  arn: string;
  description: string;
  engine: string;
  cacheNodeType?: string;
  numCacheClusters: number;
  transitEncryption: boolean;
  atRestEncryption: boolean;
  authTokenEnabled: boolean;
  primary: { address: string; port: number };
  reader: { address: string; port: number };
  tags: Tag[];
}

/** Replication groups by id. */
export class ElastiCacheState extends ResourceTable<ReplicationGroup> {
  create(group: ReplicationGroup): void {
    this.byId.set(group.id, group);
  }

  find(id: string): ReplicationGroup {
    const group = this.byId.get(id.toLowerCase());
    if (!group) {
      throw notFound('ReplicationGroupNotFoundFault', 'ReplicationGroup', id);
    }
    return group;
  }

  byArn(arn: string): ReplicationGroup {
    const group = [...this.byId.values()].find(g => g.arn === arn);
    if (!group) {
      throw new AwsError(
        'InvalidARN',
        `The ARN ${arn} does not name an existing resource.`,
      );
    }
    return group;
  }
}
