/**
 * Timing profiles. `fast` keeps every step in the tens of milliseconds so
 * test suites stay quick; `realistic` uses durations reported publicly for
 * the real services (sources are listed in docs/sandbox.md).
 */
export type ProfileName = 'fast' | 'realistic';

export interface Profile {
  name: ProfileName;
  /** Creation time per CloudFormation resource type, in ms. */
  createMs: Record<string, number>;
  /** Deletion time per CloudFormation resource type, in ms. */
  deleteMs: Record<string, number>;
  /** Used for resource types without an entry above. */
  defaultCreateMs: number;
  defaultDeleteMs: number;
  /** Time between a stack-level event and the first resource starting. */
  stackStepMs: number;
  /** Time for one ECS task to go PROVISIONING → RUNNING. */
  ecsTaskStartMs: number;
  /** Time for a failing ECS task to be stopped. */
  ecsTaskFailMs: number;
  /** Time for ECS to drain a service after deletion (DRAINING → INACTIVE). */
  ecsDrainMs: number;
  /** Time a Kubernetes namespace spends Terminating. */
  namespaceDeletionMs: number;
  /** Time for one Deployment replica to become ready. */
  deploymentReplicaMs: number;
}

const fast: Profile = {
  name: 'fast',
  createMs: {},
  deleteMs: {},
  defaultCreateMs: 15,
  defaultDeleteMs: 10,
  stackStepMs: 5,
  ecsTaskStartMs: 15,
  ecsTaskFailMs: 15,
  ecsDrainMs: 20,
  namespaceDeletionMs: 40,
  deploymentReplicaMs: 15,
};

const SECOND = 1000;
const MINUTE = 60 * SECOND;

const realistic: Profile = {
  name: 'realistic',
  createMs: {
    'AWS::EC2::VPC': 5 * SECOND,
    'AWS::EC2::Subnet': 5 * SECOND,
    'AWS::EC2::InternetGateway': 15 * SECOND,
    'AWS::EC2::VPCGatewayAttachment': 16 * SECOND,
    'AWS::EC2::RouteTable': 2 * SECOND,
    'AWS::EC2::Route': 2 * SECOND,
    'AWS::EC2::SubnetRouteTableAssociation': 2 * SECOND,
    'AWS::EC2::EIP': 5 * SECOND,
    'AWS::EC2::NatGateway': 2 * MINUTE,
    'AWS::EC2::SecurityGroup': 6 * SECOND,
    'AWS::EC2::SecurityGroupIngress': 2 * SECOND,
    'AWS::ElasticLoadBalancingV2::LoadBalancer': 3 * MINUTE,
    'AWS::ElasticLoadBalancingV2::TargetGroup': 15 * SECOND,
    'AWS::ElasticLoadBalancingV2::Listener': 2 * SECOND,
    'AWS::ElasticLoadBalancingV2::ListenerRule': 2 * SECOND,
    'AWS::ECS::Cluster': 5 * SECOND,
    'AWS::ECS::TaskDefinition': 2 * SECOND,
    'AWS::ECS::Service': 90 * SECOND,
    'AWS::IAM::Role': 15 * SECOND,
    'AWS::IAM::Policy': 15 * SECOND,
    'AWS::Logs::LogGroup': 2 * SECOND,
    'AWS::S3::Bucket': 22 * SECOND,
    'AWS::SQS::Queue': 5 * SECOND,
    'AWS::SecretsManager::Secret': 2 * SECOND,
    'AWS::RDS::DBSubnetGroup': 2 * SECOND,
    'AWS::RDS::DBInstance': 8 * MINUTE,
    'AWS::ElastiCache::SubnetGroup': 2 * SECOND,
    'AWS::ElastiCache::ReplicationGroup': 10 * MINUTE,
  },
  deleteMs: {
    'AWS::EC2::NatGateway': 60 * SECOND,
    'AWS::ElasticLoadBalancingV2::LoadBalancer': 30 * SECOND,
    'AWS::ECS::Service': 2 * MINUTE,
    'AWS::EC2::VPCGatewayAttachment': 15 * SECOND,
    'AWS::SQS::Queue': 60 * SECOND,
    'AWS::RDS::DBInstance': 6 * MINUTE,
    'AWS::ElastiCache::ReplicationGroup': 6 * MINUTE,
  },
  defaultCreateMs: 3 * SECOND,
  defaultDeleteMs: 2 * SECOND,
  stackStepMs: 1 * SECOND,
  ecsTaskStartMs: 30 * SECOND,
  ecsTaskFailMs: 20 * SECOND,
  ecsDrainMs: 30 * SECOND,
  namespaceDeletionMs: 5 * SECOND,
  deploymentReplicaMs: 10 * SECOND,
};

export const profiles: Record<ProfileName, Profile> = { fast, realistic };

export function isProfileName(value: unknown): value is ProfileName {
  return value === 'fast' || value === 'realistic';
}

export function createDuration(profile: Profile, type: string): number {
  return profile.createMs[type] ?? profile.defaultCreateMs;
}

export function deleteDuration(profile: Profile, type: string): number {
  return profile.deleteMs[type] ?? profile.defaultDeleteMs;
}
