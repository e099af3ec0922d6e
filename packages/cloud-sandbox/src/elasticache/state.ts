/** ElastiCache replication groups (Redis OSS / Valkey) made by stacks. */
import { AwsError } from '../aws/query';
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

export class ElastiCacheState {
  readonly groups = new Map<string, ReplicationGroup>();

  reset(): void {
    this.groups.clear();
  }

  create(group: ReplicationGroup): void {
    this.groups.set(group.id, group);
  }

  delete(id: string): void {
    this.groups.delete(id);
  }

  find(id: string): ReplicationGroup {
    const group = this.groups.get(id.toLowerCase());
    if (!group) {
      throw new AwsError(
        'ReplicationGroupNotFoundFault',
        `ReplicationGroup ${id} not found.`,
        404,
      );
    }
    return group;
  }

  byArn(arn: string): ReplicationGroup {
    const group = [...this.groups.values()].find(g => g.arn === arn);
    if (!group) {
      throw new AwsError(
        'InvalidARN',
        `The ARN ${arn} does not name an existing resource.`,
      );
    }
    return group;
  }
}
