/**
 * Acceptance: what a task definition hands its containers, as the real AWS
 * CLI reads it back (`ecs describe-task-definition`) and as the endpoint
 * page of the service behind a shared listener shows it: plain
 * environment variables with their values, secrets only as the ARN ECS
 * reads them from. A path no rule matches gets the listener's default
 * fixed response, as ELB answers.
 */
import { awsCliSuite } from '../__testUtils__/awsCliSuite';
import { aws, getWithHost } from '../__testUtils__/helpers';
import {
  forwardRuleResources,
  loadBalancerResources,
} from '../__testUtils__/templates';

jest.setTimeout(120_000);

const SECRET_ARN =
  'arn:aws:secretsmanager:us-east-1:000000000000:secret:rds!db-1234-AbCdEf';

const STACK = `
Resources:
  Cluster:
    Type: AWS::ECS::Cluster
    Properties: { ClusterName: wiring }
${loadBalancerResources('wiring-alb', 'nothing here')}${forwardRuleResources({
  listenerArn: '{ Ref: Listener }',
  priority: '7',
  paths: '[/api, /api/*]',
})}  Task:
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
  const suite = awsCliSuite('wiring');

  const cli = async (...args: string[]) => {
    const result = await aws(suite.sandbox, args);
    return {
      ...result,
      json: result.code === 0 ? JSON.parse(result.stdout) : undefined,
    };
  };

  it('reads back environment and secrets, and the endpoint page shows secrets only as ARNs', async () => {
    const created = await suite.createStack('wiring', STACK);
    expect(created.stderr).toBe('');
    expect(await suite.settled('wiring')).toBe('CREATE_COMPLETE');
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

    const page = await getWithHost(
      `${suite.sandbox.url}/api/orders`,
      outputs.Dns,
    );
    expect(page.status).toBe(200);
    expect(page.body).toContain(
      '<td><code>DATABASE_HOST</code></td><td>environment</td><td><code>db.internal</code></td>',
    );
    expect(page.body).toContain(
      `<td><code>DATABASE_PASSWORD</code></td><td>secret</td><td><code>${SECRET_ARN}:password::</code></td>`,
    );
    expect(page.body).not.toContain('UNUSED');

    // No rule matches: the listener's default fixed response.
    const other = await getWithHost(`${suite.sandbox.url}/admin`, outputs.Dns);
    expect(other.status).toBe(404);
    expect(other.body).toContain('nothing here');
  });
});
