/**
 * Acceptance: what a task definition hands its containers, as the real AWS
 * CLI reads it back (`ecs describe-task-definition`) and as the endpoint
 * page of the service behind a shared listener shows it: plain
 * environment variables with their values, secrets only as the ARN ECS
 * reads them from. A path no rule matches gets the listener's default
 * fixed response, as ELB answers.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '../sandbox';
import { aws, getWithHost, settledStatus } from '../__testUtils__/helpers';

jest.setTimeout(120_000);

const SECRET_ARN =
  'arn:aws:secretsmanager:us-east-1:000000000000:secret:rds!db-1234-AbCdEf';

const STACK = `
Resources:
  Cluster:
    Type: AWS::ECS::Cluster
    Properties: { ClusterName: wiring }
  Alb:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties: { Name: wiring-alb, Subnets: [subnet-1, subnet-2] }
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
            MessageBody: nothing here
  Group:
    Type: AWS::ElasticLoadBalancingV2::TargetGroup
    Properties: { Port: 8080, Protocol: HTTP, TargetType: ip, VpcId: vpc-1 }
  Rule:
    Type: AWS::ElasticLoadBalancingV2::ListenerRule
    Properties:
      ListenerArn: { Ref: Listener }
      Priority: 7
      Conditions:
        - Field: path-pattern
          PathPatternConfig: { Values: [/api, /api/*] }
      Actions:
        - Type: forward
          TargetGroupArn: { Ref: Group }
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: wiring-api
      Cpu: '256'
      Memory: '512'
      NetworkMode: awsvpc
      RequiresCompatibilities: [FARGATE]
      ExecutionRoleArn: arn:aws:iam::000000000000:role/exec
      TaskRoleArn: arn:aws:iam::000000000000:role/task
      ContainerDefinitions:
        - Name: app
          Image: registry.example.com/api:1
          PortMappings: [{ ContainerPort: 8080 }]
          Environment:
            - { Name: DATABASE_HOST, Value: db.internal }
            - Fn::If:
                - Never
                - { Name: UNUSED, Value: x }
                - { Ref: 'AWS::NoValue' }
          Secrets:
            - Name: DATABASE_PASSWORD
              ValueFrom: '${SECRET_ARN}:password::'
  Service:
    Type: AWS::ECS::Service
    DependsOn: Rule
    Properties:
      Cluster: { Ref: Cluster }
      TaskDefinition: { Ref: Task }
      DesiredCount: 1
      LaunchType: FARGATE
      LoadBalancers:
        - { ContainerName: app, ContainerPort: 8080, TargetGroupArn: { Ref: Group } }
Conditions:
  Never: { 'Fn::Equals': ['a', 'b'] }
Outputs:
  Dns:
    Value: { 'Fn::GetAtt': [Alb, DNSName] }
  Task:
    Value: { Ref: Task }
`;

describe('task definition wiring with the AWS CLI', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, profile: 'fast' });
  });
  afterAll(() => sandbox.stop());

  const cli = async (...args: string[]) => {
    const result = await aws(sandbox, args);
    return {
      ...result,
      json: result.code === 0 ? JSON.parse(result.stdout) : undefined,
    };
  };

  it('reads back environment and secrets, and the endpoint page shows secrets only as ARNs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'envkit-wiring-'));
    writeFileSync(join(dir, 'stack.yaml'), STACK);
    const created = await cli(
      'cloudformation',
      'create-stack',
      '--stack-name',
      'wiring',
      '--template-body',
      `file://${join(dir, 'stack.yaml')}`,
    );
    expect(created.stderr).toBe('');
    expect(await settledStatus(sandbox, 'wiring')).toBe('CREATE_COMPLETE');
    const outputs = Object.fromEntries(
      (
        await cli('cloudformation', 'describe-stacks', '--stack-name', 'wiring')
      ).json.Stacks[0].Outputs.map((o: any) => [o.OutputKey, o.OutputValue]),
    );

    // By ARN and by family (its latest revision) alike.
    for (const ref of [outputs.Task, 'wiring-api']) {
      const { json, stderr } = await cli(
        'ecs',
        'describe-task-definition',
        '--task-definition',
        ref,
      );
      expect(stderr).toBe('');
      expect(json.taskDefinition).toMatchObject({
        taskDefinitionArn: outputs.Task,
        family: 'wiring-api',
        taskRoleArn: 'arn:aws:iam::000000000000:role/task',
        executionRoleArn: 'arn:aws:iam::000000000000:role/exec',
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        containerDefinitions: [
          {
            name: 'app',
            image: 'registry.example.com/api:1',
            environment: [{ name: 'DATABASE_HOST', value: 'db.internal' }],
            secrets: [
              {
                name: 'DATABASE_PASSWORD',
                valueFrom: `${SECRET_ARN}:password::`,
              },
            ],
          },
        ],
      });
    }
    const missing = await cli(
      'ecs',
      'describe-task-definition',
      '--task-definition',
      'no-such-family',
    );
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain(
      'ClientException) when calling the DescribeTaskDefinition operation: Unable to describe task definition.',
    );

    const page = await getWithHost(`${sandbox.url}/api/orders`, outputs.Dns);
    expect(page.status).toBe(200);
    expect(page.body).toContain(
      '<td><code>DATABASE_HOST</code></td><td>environment</td><td><code>db.internal</code></td>',
    );
    expect(page.body).toContain(
      `<td><code>DATABASE_PASSWORD</code></td><td>secret</td><td><code>${SECRET_ARN}:password::</code></td>`,
    );
    expect(page.body).not.toContain('UNUSED');

    // No rule matches: the listener's default fixed response.
    const other = await getWithHost(`${sandbox.url}/admin`, outputs.Dns);
    expect(other.status).toBe(404);
    expect(other.body).toContain('nothing here');
  });
});
