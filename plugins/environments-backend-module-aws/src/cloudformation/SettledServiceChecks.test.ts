import {
  DescribeStacksCommand,
  UpdateStackCommand,
} from '@aws-sdk/client-cloudformation';
import { ConfigReader, type JsonValue } from '@backstage/config';
import { stackName } from '@envkit/plugin-environments-common';
import { waitFor } from '@envkit/plugin-environments-node/testUtils';
import { readCloudFormationDriverConfig } from './config';
import {
  applyUntilSettled,
  cfnResource,
  contextFor,
  environment,
  fargateServiceTemplate,
  sandboxDriver,
  templateReader,
} from './__testUtils__/harness';
import { describeOnSandbox } from './__testUtils__/sandboxSuite';

const N = 10;

/** A cluster of its own per environment, with one Fargate service in it. */
const TEMPLATE = fargateServiceTemplate({
  parameters: { DesiredCount: { Type: 'Number', Default: '1' } },
  resources: { Cluster: { Type: 'AWS::ECS::Cluster', Properties: {} } },
  cluster: { Ref: 'Cluster' },
  desiredCount: { Ref: 'DesiredCount' },
});
const URL = 'https://git.example.com/platform/templates/own-cluster.json';

describeOnSandbox(
  'status checks of settled stacks with a cluster each',
  suite => {
    const urlReader = templateReader(TEMPLATE);
    const app = cfnResource('app', { template: URL });
    const envs = Array.from({ length: N }, (_, i) => environment(`own${i}`));
    const describeServices = () =>
      suite.sandbox.controls.callCount('ecs', 'DescribeServices');

    beforeAll(async () => {
      const setup = sandboxDriver(suite.sandbox, { urlReader });
      const created = await Promise.all(
        envs.map(env =>
          applyUntilSettled(setup, app, contextFor(env, 'app'), 60_000),
        ),
      );
      setup.close();
      const notReady = created.filter(r => r.status !== 'Ready');
      if (notReady.length) {
        throw new Error(`setup: ${JSON.stringify(notReady)}`);
      }
    });

    it('reads the services of an unchanged, healthy stack again only once its recheck is due', async () => {
      const driver = sandboxDriver(suite.sandbox, {
        urlReader,
        settledRecheckMs: 60_000,
        stackStatusMaxAgeMs: 0,
      });
      const sweep = () =>
        Promise.all(
          envs.map(env => driver.observe(app, contextFor(env, 'app'))),
        );
      try {
        suite.sandbox.controls.resetCalls();
        const first = await sweep();
        expect(first.every(r => r.status === 'Ready')).toBe(true);
        // Nothing to batch: one cluster per service.
        expect(describeServices()).toBe(N);

        suite.sandbox.controls.resetCalls();
        const second = await sweep();
        expect(second.every(r => r.status === 'Ready')).toBe(true);
        // Still shown as they were last seen.
        expect(
          second.map(r => (r.details!.services as any[])[0].runningCount),
        ).toEqual(Array(N).fill(1));
        expect(describeServices()).toBe(0);
        expect(
          suite.sandbox.controls.callCount('cloudformation', 'DescribeStacks'),
        ).toBe(0);

        // A stack that changed has its services read on the next check.
        const name = stackName(envs[3].name, envs[3].id, 'app');
        await suite.cfn.send(
          new UpdateStackCommand({
            StackName: name,
            UsePreviousTemplate: true,
            Parameters: [{ ParameterKey: 'DesiredCount', ParameterValue: '2' }],
          }),
        );
        await waitFor('the update', async () => {
          const stack = await suite.cfn.send(
            new DescribeStacksCommand({ StackName: name }),
          );
          return stack.Stacks?.[0].StackStatus === 'UPDATE_COMPLETE';
        });
        suite.sandbox.controls.resetCalls();
        const third = await sweep();
        expect(describeServices()).toBe(1);
        expect((third[3].details!.services as any[])[0].desiredCount).toBe(2);
      } finally {
        driver.close();
      }
    });

    it('reads every service on every check with settledRecheck PT0S', async () => {
      const driver = sandboxDriver(suite.sandbox, {
        urlReader,
        settledRecheckMs: 0,
      });
      try {
        suite.sandbox.controls.resetCalls();
        for (let i = 0; i < 2; i++) {
          await Promise.all(
            envs.map(env => driver.observe(app, contextFor(env, 'app'))),
          );
        }
        expect(describeServices()).toBe(2 * N);
      } finally {
        driver.close();
      }
    });
  },
);

describe('environments.aws.statusSweep.settledRecheck', () => {
  const read = (value: JsonValue) =>
    readCloudFormationDriverConfig(
      new ConfigReader({
        environments: { aws: { statusSweep: { settledRecheck: value } } },
      }),
    ).settledRecheckMs;

  it('takes an ISO 8601 duration or a duration object', () => {
    expect(read('PT5M')).toBe(300_000);
    expect(read({ seconds: 90 })).toBe(90_000);
    expect(read('PT0S')).toBe(0);
  });

  it('names the setting when the value is no duration', () => {
    expect(() => read('soon')).toThrow(
      /environments\.aws\.statusSweep\.settledRecheck/,
    );
  });
});
