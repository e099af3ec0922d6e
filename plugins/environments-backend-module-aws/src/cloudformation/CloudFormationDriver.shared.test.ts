import { stackName } from '@envkit/plugin-environments-common';
import {
  applyUntilSettled,
  cfnResource,
  contextFor,
  destroyUntilSettled,
  environment,
  notInDocumentedPolicy,
} from './__testUtils__/harness';
import {
  describeOnSandbox,
  expectPriorityClash,
  NETWORK,
  platformOn,
} from './__testUtils__/sandboxSuite';
import { freePriority } from './ListenerRulePriorities';

const PLATFORM = 'envkit-shared';

function sharedService(path: string, extra: Record<string, string> = {}) {
  return cfnResource('service', {
    template: 'builtin:ecs-service-shared',
    parameters: {
      PlatformName: PLATFORM,
      PathPrefix: path,
      ImageLocation: 'public.ecr.aws/nginx/nginx:1.27',
      ...extra,
    },
  });
}

describeOnSandbox(
  'the shared ECS platform against the cloud sandbox',
  suite => {
    const base = environment('platform-base');
    const alice = environment('alice');
    const bob = environment('bob');
    const { cli } = suite;
    let platform: ReturnType<typeof platformOn>;
    let platformOutputs: Record<string, string>;

    beforeAll(async () => {
      platform = platformOn(PLATFORM, await suite.ready(NETWORK, base));
      platformOutputs = await suite.ready(platform, base);
    });

    it('exports the base once, as list-exports shows', async () => {
      const { Exports } = await cli('cloudformation', 'list-exports');
      const names = Exports.map((e: any) => e.Name);
      expect(names).toEqual(
        expect.arrayContaining([
          `${PLATFORM}-VpcId`,
          `${PLATFORM}-ListenerArn`,
          `${PLATFORM}-ClusterName`,
        ]),
      );
      const listener = Exports.find(
        (e: any) => e.Name === `${PLATFORM}-ListenerArn`,
      );
      expect(listener.Value).toBe(platformOutputs.ListenerArn);
    });

    it('gives each developer environment its own rule, target group and service on the base', async () => {
      const aOut = await suite.ready(sharedService('/alice'), alice);
      const bOut = await suite.ready(sharedService('/bob'), bob);
      expect(aOut.ClusterName).toBe(platformOutputs.ClusterName);
      expect(aOut.Endpoint).toBe(
        `http://${platformOutputs.LoadBalancerDnsName}/alice/`,
      );
      expect(aOut.ListenerRulePriority).not.toBe(bOut.ListenerRulePriority);

      const { Rules } = await cli(
        'elbv2',
        'describe-rules',
        '--listener-arn',
        platformOutputs.ListenerArn,
      );
      const byArn = new Map(Rules.map((r: any) => [r.RuleArn, r]));
      expect(byArn.get(aOut.ListenerRuleArn)).toMatchObject({
        Priority: aOut.ListenerRulePriority,
        Conditions: [
          expect.objectContaining({
            Field: 'path-pattern',
            PathPatternConfig: { Values: ['/alice', '/alice/*'] },
          }),
        ],
      });
      expect(byArn.get(bOut.ListenerRuleArn)).toBeDefined();
      expect(Rules[Rules.length - 1]).toMatchObject({
        Priority: 'default',
        IsDefault: true,
      });

      const { services } = await cli(
        'ecs',
        'describe-services',
        '--cluster',
        platformOutputs.ClusterName,
        '--services',
        aOut.ServiceName,
        bOut.ServiceName,
      );
      expect(services.map((s: any) => s.status)).toEqual(['ACTIVE', 'ACTIVE']);

      // The shared load balancer routes by path, as the endpoint pages show.
      const page = async (url: string) => {
        const { host, pathname } = new URL(url);
        const response = await fetch(
          `${suite.sandbox.url}/_sandbox/endpoints/${host}${pathname}`,
        );
        return response.text();
      };
      expect(await page(aOut.Endpoint)).toContain(aOut.ServiceName);
      expect(await page(bOut.Endpoint)).toContain(bOut.ServiceName);

      const imports = await cli(
        'cloudformation',
        'list-imports',
        '--export-name',
        `${PLATFORM}-ListenerArn`,
      );
      expect(imports.Imports).toHaveLength(2);
    });

    it('keeps a stack on its priority across updates', async () => {
      const ctx = contextFor(alice, 'service');
      const before = await suite.stackOf(alice, 'service');
      const updated = await applyUntilSettled(
        suite.driver,
        sharedService('/alice', { DesiredCount: '2' }),
        ctx,
      );
      expect(updated.status).toBe('Ready');
      const priority = (stack: typeof before) =>
        stack.Parameters!.find(p => p.ParameterKey === 'ListenerRulePriority')!
          .ParameterValue;
      const after = await suite.stackOf(alice, 'service');
      expect(priority(after)).toBe(priority(before));
    });

    it('reports a priority clash on the environment, naming the rule that holds it', async () => {
      const { Rules } = await cli(
        'elbv2',
        'describe-rules',
        '--listener-arn',
        platformOutputs.ListenerArn,
      );
      const held = Rules.find((r: any) => !r.IsDefault);
      const carol = environment('carol');
      const message = await expectPriorityClash(
        suite,
        sharedService('/carol', { ListenerRulePriority: held.Priority }),
        carol,
        { priority: held.Priority, ruleArn: held.RuleArn },
      );
      expect(message).toContain('is currently in use');
    });

    it('refuses to destroy the base while a service imports it, naming the services, and destroys it once they are gone', async () => {
      const refused = await destroyUntilSettled(
        suite.driver,
        platform,
        contextFor(base, 'platform'),
      );
      expect(refused).toMatchObject({
        status: 'Failed',
        kind: 'needsAttention',
        reason: 'ExportInUse',
      });
      const message = (refused as any).message as string;
      expect(message).toContain(stackName(alice.name, alice.id, 'service'));
      expect(message).toContain(stackName(bob.name, bob.id, 'service'));
      for (const env of [alice, bob]) {
        await suite.expectDestroyed(sharedService('/x'), env);
      }
      await suite.expectDestroyed(platform, base);
      const { Exports } = await cli('cloudformation', 'list-exports');
      expect(Exports).toEqual([]);
    });

    it('needs only what the documented IAM policy allows', () => {
      const used = suite.ledger.actions();
      // Finding a free priority reads who imports the listener.
      expect(used).toContain('cloudformation:ListImports');
      expect(notInDocumentedPolicy(used)).toEqual([]);
    });
  },
);

describe('freePriority', () => {
  it('takes the preferred priority when free, else the next free one, wrapping round', () => {
    expect(freePriority(7, new Set([1, 2]))).toBe(7);
    expect(freePriority(7, new Set([7, 8]))).toBe(9);
    expect(freePriority(50_000, new Set([50_000, 1]))).toBe(2);
  });
});
