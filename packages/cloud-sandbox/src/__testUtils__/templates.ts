/**
 * Templates the tests deploy: a small web stack shaped like Envkit's
 * environment templates (VPC, ECS on Fargate behind an ALB), in YAML with
 * short-form tags.
 */
/** Subnet A, B, … of the VPC, one per availability zone. */
function subnet(letter: string, index: number): string {
  return `  Subnet${letter}:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.0.${index}.0/24
      AvailabilityZone: !Select [${index}, !GetAZs '']
`;
}

/** The ECS cluster both service templates below declare. */
const ECS_CLUSTER = `  Cluster:
    Type: AWS::ECS::Cluster
    Properties:
      ClusterName: !Sub '\${AWS::StackName}-cluster'
`;

export const WEB_STACK_TEMPLATE = `AWSTemplateFormatVersion: '2010-09-09'
Description: Sandbox test stack - VPC, ECS service and ALB
Parameters:
  Image:
    Type: String
    Default: nginx:1.27
  Env:
    Type: String
    Default: dev
    AllowedValues: [dev, prod]
  DesiredCount:
    Type: Number
    Default: 2
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  NotProd: !Not [!Condition IsProd]
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
${['A', 'B'].map(subnet).join('')}  AlbSecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: !Sub 'ALB for \${AWS::StackName}'
      VpcId: !Ref Vpc
${ECS_CLUSTER}  TaskDefinition:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: !Sub '\${AWS::StackName}-web'
      RequiresCompatibilities: [FARGATE]
      NetworkMode: awsvpc
      Cpu: '256'
      Memory: '512'
      ContainerDefinitions:
        - Name: web
          Image: !Ref Image
          PortMappings:
            - ContainerPort: 8080
  LoadBalancer:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Subnets: [!Ref SubnetA, !Ref SubnetB]
      SecurityGroups: [!GetAtt AlbSecurityGroup.GroupId]
  TargetGroup:
    Type: AWS::ElasticLoadBalancingV2::TargetGroup
    Properties:
      Port: 8080
      Protocol: HTTP
      TargetType: ip
      VpcId: !Ref Vpc
  Listener:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref LoadBalancer
      Port: 80
      Protocol: HTTP
      DefaultActions:
        - Type: forward
          TargetGroupArn: !Ref TargetGroup
  Service:
    Type: AWS::ECS::Service
    DependsOn: Listener
    Properties:
      ServiceName: web
      Cluster: !Ref Cluster
      TaskDefinition: !Ref TaskDefinition
      DesiredCount: !Ref DesiredCount
      LaunchType: FARGATE
      DeploymentConfiguration:
        DeploymentCircuitBreaker:
          Enable: true
          Rollback: false
      LoadBalancers:
        - ContainerName: web
          ContainerPort: 8080
          TargetGroupArn: !Ref TargetGroup
Outputs:
  VpcId:
    Value: !Ref Vpc
  ClusterArn:
    Value: !GetAtt Cluster.Arn
  ClusterName:
    Value: !Ref Cluster
  ServiceName:
    Value: !GetAtt Service.Name
  endpoint:
    Value: !Sub 'http://\${LoadBalancer.DNSName}'
  Subnets:
    Value: !Join [',', [!Ref SubnetA, !Ref SubnetB]]
  Tier:
    Value: !If [IsProd, production, development]
  Region:
    Value: !Sub '\${AWS::Region}/\${AWS::AccountId}/\${AWS::Partition}/\${AWS::URLSuffix}'
  DevOnly:
    Condition: NotProd
    Value: only-in-dev
`;

export const IAM_TEMPLATE = `Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement: []
`;

export const NAMED_IAM_TEMPLATE = `Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: envkit-named-role
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement: []
`;

export const BUCKET_TEMPLATE = `{
  "Parameters": { "Suffix": { "Type": "String", "Default": "a" } },
  "Resources": {
    "Bucket": { "Type": "AWS::S3::Bucket" },
    "Log": { "Type": "AWS::Logs::LogGroup", "Properties": { "LogGroupName": { "Fn::Sub": "/envkit/\${Suffix}" } } }
  },
  "Outputs": { "BucketArn": { "Value": { "Fn::GetAtt": ["Bucket", "Arn"] } } }
}`;

/**
 * One Fargate service whose failed deployments roll back, and that starts
 * a new deployment whenever `RedeployNonce` changes (ECS's
 * `ForceNewDeployment`), as Envkit's built-in ECS template does.
 */
export const ROLLOUT_TEMPLATE = `Parameters:
  Image:
    Type: String
    Default: nginx:1.27
  RedeployNonce:
    Type: String
    Default: ''
Conditions:
  Redeployed: !Not [!Equals [!Ref RedeployNonce, '']]
Resources:
${ECS_CLUSTER}  TaskDefinition:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: !Sub '\${AWS::StackName}-app'
      ContainerDefinitions:
        - Name: app
          Image: !Ref Image
  Service:
    Type: AWS::ECS::Service
    Properties:
      ServiceName: app
      Cluster: !Ref Cluster
      TaskDefinition: !Ref TaskDefinition
      DesiredCount: 2
      LaunchType: FARGATE
      DeploymentConfiguration:
        DeploymentCircuitBreaker:
          Enable: true
          Rollback: true
      ForceNewDeployment: !If
        - Redeployed
        - EnableForceNewDeployment: true
          ForceNewDeploymentNonce: !Ref RedeployNonce
        - !Ref AWS::NoValue
Outputs:
  ClusterName:
    Value: !Ref Cluster
  ServiceName:
    Value: !GetAtt Service.Name
  TaskDefinitionArn:
    Value: !Ref TaskDefinition
`;

/** A secret handed over as a `NoEcho` parameter and stored in a resource. */
export const SECRET_TEMPLATE = `Parameters:
  DbPassword:
    Type: String
    NoEcho: true
  DbUser:
    Type: String
    Default: app
Resources:
  Credentials:
    Type: AWS::SecretsManager::Secret
    Properties:
      SecretString: !Sub '{"user":"\${DbUser}","password":"\${DbPassword}"}'
Outputs:
  User:
    Value: !Ref DbUser
`;

/**
 * Resources `Alb` and `Listener`: a load balancer named `name` whose port-80
 * listener answers 404 (with `message`, when given) where no rule matches.
 */
export const loadBalancerResources = (name: string, message?: string) => `  Alb:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties: { Name: ${name}, Subnets: [subnet-1, subnet-2] }
  Listener:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: { Ref: Alb }
      Port: 80
      Protocol: HTTP
      DefaultActions:
        - Type: fixed-response
          FixedResponseConfig:
            StatusCode: '404'
${message ? `            MessageBody: ${message}\n` : ''}`;

/**
 * Resources `Group` and `Rule`: a target group, and the rule of the listener
 * `listenerArn` that forwards `paths` to it at `priority` (each a YAML value).
 */
export const forwardRuleResources = (rule: {
  listenerArn: string;
  priority: string;
  paths: string;
}) => `  Group:
    Type: AWS::ElasticLoadBalancingV2::TargetGroup
    Properties: { Port: 8080, Protocol: HTTP, TargetType: ip, VpcId: vpc-1 }
  Rule:
    Type: AWS::ElasticLoadBalancingV2::ListenerRule
    Properties:
      ListenerArn: ${rule.listenerArn}
      Priority: ${rule.priority}
      Conditions:
        - Field: path-pattern
          PathPatternConfig: { Values: ${rule.paths} }
      Actions:
        - Type: forward
          TargetGroupArn: { Ref: Group }
`;
