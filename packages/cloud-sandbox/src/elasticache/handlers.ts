/**
 * ElastiCache's DescribeReplicationGroups and ListTagsForResource in the
 * query protocol: a cluster-mode-disabled group with one node group.
 */
import type { QueryHandler } from '../aws/serviceCalls';
import type { ElastiCacheState, ReplicationGroup } from './state';

export const ELASTICACHE_NS =
  'http://elasticache.amazonaws.com/doc/2015-02-02/';

function memberClusters(g: ReplicationGroup): string[] {
  return Array.from(
    { length: g.numCacheClusters },
    (_, i) => `${g.id}-${String(i + 1).padStart(3, '0')}`,
  );
}

function groupXml(g: ReplicationGroup) {
  return {
    ReplicationGroupId: g.id,
    Description: g.description,
    Status: 'available',
    MemberClusters: { ClusterId: memberClusters(g) },
    NodeGroups: {
      NodeGroup: [
        {
          NodeGroupId: '0001',
          Status: 'available',
          PrimaryEndpoint: { Address: g.primary.address, Port: g.primary.port },
          ReaderEndpoint: { Address: g.reader.address, Port: g.reader.port },
        },
      ],
    },
    AutomaticFailover: g.numCacheClusters > 1 ? 'enabled' : 'disabled',
    ClusterEnabled: false,
    CacheNodeType: g.cacheNodeType,
    AuthTokenEnabled: g.authTokenEnabled,
    TransitEncryptionEnabled: g.transitEncryption,
    AtRestEncryptionEnabled: g.atRestEncryption,
    ARN: g.arn,
    Engine: g.engine,
  };
}

export function elastiCacheHandlers(
  state: ElastiCacheState,
): Record<string, QueryHandler> {
  return {
    DescribeReplicationGroups: params => {
      const id = params.get('ReplicationGroupId');
      const groups = id ? [state.find(id)] : [...state.byId.values()];
      return { ReplicationGroups: { ReplicationGroup: groups.map(groupXml) } };
    },
    ListTagsForResource: params => ({
      TagList: { Tag: state.byArn(params.get('ResourceName') ?? '').tags },
    }),
  };
}
