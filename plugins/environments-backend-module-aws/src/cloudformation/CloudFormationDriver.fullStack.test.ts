/**
 * Several services behind one load balancer inside one environment, driven
 * resource by resource on the sandbox as the full-stack example lays them
 * out: the network without a NAT gateway (PrivateEgress: None), then its
 * egress (builtin:nat-egress) beside the environment's own platform and the
 * data services, and two builtin:ecs-app-service stacks created at the same
 * moment. Their listener rules get distinct priorities from the driver, a
 * third rule forced onto a taken priority is reported naming the rule that
 * holds it, each task definition carries credentials only as secrets, and
 * the driver needs nothing beyond the documented IAM policy.
 */
import {
  cfnResource,
  environment,
  notInDocumentedPolicy,
} from './__testUtils__/harness';
import {
  describeOnSandbox,
  expectPriorityClash,
  platformOn,
  postgresOn,
} from './__testUtils__/sandboxSuite';

describeOnSandbox(
  'several services on one environment’s load balancer',
  suite => {
    const { cli } = suite;
    const env = environment('shop');
    const outputs: Record<string, Record<string, string>> = {};
    const resources: Record<string, ReturnType<typeof cfnResource>> = {};

    async function make(resource: ReturnType<typeof cfnResource>) {
      resources[resource.name] = resource;
      outputs[resource.name] = await suite.ready(resource, env);
      return outputs[resource.name];
    }

    function appService(name: string, extra: Record<string, unknown>) {
      const db = outputs.db;
      return cfnResource(name, {
        template: 'builtin:ecs-app-service',
        parameters: {
          PlatformName: outputs.platform.PlatformName,
          PathPrefix: `/${name}`,
          ImageLocation: `registry.example.com/shop/${name}:1`,
          DatabaseHost: db.Host,
          DatabasePort: db.Port,
          DatabaseName: db.DatabaseName,
          DatabaseUsername: db.Username,
          DatabaseSecretArn: db.SecretArn,
          BucketName: outputs.files.BucketName,
          BucketArn: outputs.files.BucketArn,
          ...extra,
        },
      });
    }

    it('runs a web and an api service, created together, on distinct rule priorities', async () => {
      const network = await make(
        cfnResource('network', {
          template: 'builtin:network',
          parameters: { EnablePrivateSubnets: 'true', PrivateEgress: 'None' },
        }),
      );
      // The private subnets and their route table, but no way out yet: the
      // NAT gateway is the egress stack's.
      const { StackResources } = await cli(
        'cloudformation',
        'describe-stack-resources',
        '--stack-name',
        (
          await suite.stackOf(env, 'network')
        ).StackId!,
      );
      const types = StackResources.map((r: any) => r.ResourceType);
      expect(types).toContain('AWS::EC2::RouteTable');
      expect(types).not.toContain('AWS::EC2::NatGateway');
      expect(types).not.toContain('AWS::EC2::EIP');
      expect(network.PrivateSubnetIds.split(',')).toHaveLength(2);
      expect(network.PrivateRouteTableId).toMatch(/^rtb-/);
      expect(network.PublicSubnetIds.split(',')[0]).toBe(
        network.PublicSubnet1Id,
      );

      await Promise.all([
        make(
          cfnResource('egress', {
            template: 'builtin:nat-egress',
            parameters: {
              PublicSubnetId: network.PublicSubnet1Id,
              PrivateRouteTableId: network.PrivateRouteTableId,
            },
          }),
        ),
        make(platformOn('envkit-fs-shop', network)),
        make(postgresOn(network)),
        make(cfnResource('files', { template: 'builtin:bucket' })),
        make(cfnResource('jobs', { template: 'builtin:queue' })),
      ]);
      expect(outputs.platform.PlatformName).toBe('envkit-fs-shop');
      expect(outputs.egress.NatGatewayId).toMatch(/^nat-/);

      const [web, api] = await Promise.all([
        make(appService('web', {})),
        make(
          appService('api', {
            QueueUrl: outputs.jobs.QueueUrl,
            QueueArn: outputs.jobs.QueueArn,
          }),
        ),
      ]);
      expect(web.ListenerRulePriority).not.toBe(api.ListenerRulePriority);
      expect(web.Endpoint).toBe(
        `http://${outputs.platform.LoadBalancerDnsName}/web/`,
      );
      expect(web.ClusterName).toBe(outputs.platform.ClusterName);

      const { Rules } = await cli(
        'elbv2',
        'describe-rules',
        '--listener-arn',
        outputs.platform.ListenerArn,
      );
      const rules = Rules.filter((r: any) => !r.IsDefault);
      expect(rules.map((r: any) => r.RuleArn).sort()).toEqual(
        [web.ListenerRuleArn, api.ListenerRuleArn].sort(),
      );
    });

    it('hands each task the database password only as a secret, and the queue only to the api', async () => {
      for (const name of ['web', 'api']) {
        const { taskDefinition } = await cli(
          'ecs',
          'describe-task-definition',
          '--task-definition',
          outputs[name].TaskDefinitionArn,
        );
        const [container] = taskDefinition.containerDefinitions;
        expect(container.secrets).toEqual([
          {
            name: 'DATABASE_PASSWORD',
            valueFrom: `${outputs.db.SecretArn}:password::`,
          },
        ]);
        const names = container.environment.map((e: any) => e.name);
        expect(names).toEqual(
          expect.arrayContaining(['DATABASE_HOST', 'BUCKET_NAME']),
        );
        expect(names).not.toContain('REDIS_AUTH_TOKEN');
        expect(names.includes('QUEUE_URL')).toBe(name === 'api');
        expect(JSON.stringify(container.environment)).not.toContain(
          outputs.db.SecretArn,
        );
        expect(taskDefinition.taskRoleArn).toBe(outputs[name].TaskRoleArn);
      }
    });

    it('reports a third rule forced onto a taken priority, naming the rule that holds it', async () => {
      await expectPriorityClash(
        suite,
        appService('admin', {
          ListenerRulePriority: outputs.web.ListenerRulePriority,
        }),
        env,
        {
          priority: outputs.web.ListenerRulePriority,
          ruleArn: outputs.web.ListenerRuleArn,
        },
      );
    });

    it('destroys services before the platform, the egress before the network, and leaves nothing tagged', async () => {
      for (const name of [
        'web',
        'api',
        'platform',
        'db',
        'egress',
        'files',
        'jobs',
        'network',
      ]) {
        await suite.expectDestroyed(resources[name], env);
      }
      expect(suite.leftovers(env)).toEqual([]);
    });

    it('needs only what the documented IAM policy allows', () => {
      const used = suite.ledger.iamActions();
      // Finding free priorities reads who imports the listener; destroy
      // empties the bucket.
      expect(used).toEqual(
        expect.arrayContaining(['cloudformation:ListImports', 's3:ListBucket']),
      );
      expect(notInDocumentedPolicy(used)).toEqual([]);
    });
  },
  180_000,
);
