/** RDS's DescribeDBInstances in the query protocol. */
import type { QueryHandler } from '../aws/serviceCalls';
import type { DbInstance, RdsState } from './state';

export const RDS_NS = 'http://rds.amazonaws.com/doc/2014-10-31/';

function instanceXml(i: DbInstance) {
  return {
    DBInstanceIdentifier: i.identifier,
    DBInstanceClass: i.instanceClass,
    Engine: i.engine,
    EngineVersion: i.engineVersion,
    DBInstanceStatus: 'available',
    MasterUsername: i.masterUsername,
    DBName: i.dbName,
    Endpoint: {
      Address: i.address,
      Port: i.port,
      HostedZoneId: i.hostedZoneId,
    },
    AllocatedStorage: i.allocatedStorage,
    InstanceCreateTime: i.createdAt.toISOString(),
    VpcSecurityGroups: {
      VpcSecurityGroupMembership: i.securityGroupIds.map(id => ({
        VpcSecurityGroupId: id,
        Status: 'active',
      })),
    },
    DBSubnetGroup: i.subnetGroupName
      ? { DBSubnetGroupName: i.subnetGroupName, SubnetGroupStatus: 'Complete' }
      : undefined,
    MultiAZ: i.multiAz,
    PubliclyAccessible: i.publiclyAccessible,
    StorageEncrypted: i.storageEncrypted,
    DbiResourceId: i.resourceId,
    DBInstanceArn: i.arn,
    DeletionProtection: i.deletionProtection,
    TagList: { Tag: i.tags },
    MasterUserSecret: i.masterUserSecretArn
      ? { SecretArn: i.masterUserSecretArn, SecretStatus: 'active' }
      : undefined,
  };
}

export function rdsHandlers(state: RdsState): Record<string, QueryHandler> {
  return {
    DescribeDBInstances: params => {
      const id = params.get('DBInstanceIdentifier');
      const instances = id ? [state.find(id)] : [...state.byId.values()];
      return { DBInstances: { DBInstance: instances.map(instanceXml) } };
    },
  };
}
