import { mockServices } from '@backstage/backend-test-utils';
import { sandboxAwsCredentials } from '@envkit/cloud-sandbox';
import { CloudFormationDriver } from '../cloudformation/CloudFormationDriver';
import {
  cfnResource,
  contextFor,
  environment,
} from '../cloudformation/__testUtils__/harness';

// Nothing listens on port 9: an estimate that called AWS would fail.
const driver = new CloudFormationDriver({
  logger: mockServices.logger.mock(),
  credentialsManager: sandboxAwsCredentials,
  endpoint: 'http://127.0.0.1:9',
  defaultRegion: 'us-east-1',
});
const env = environment('shop-dev');

describe('CloudFormationDriver.estimate', () => {
  it('prices the stack an apply would send, with placeholders for outputs not known yet and no AWS call', async () => {
    const estimate = await driver.estimate(
      cfnResource('service', {
        template: 'builtin:ecs-service',
        parameters: {
          VpcId: '(network.VpcId once created)',
          PublicSubnetIds: '(network.PublicSubnetIds once created)',
          ServiceSubnetIds: '(network.WorkloadSubnetIds once created)',
          AssignPublicIp: '(network.WorkloadAssignPublicIp once created)',
          ImageLocation: 'nginx:1.27',
          Cpu: '1024',
          Memory: '2048',
        },
      }),
      contextFor(env, 'service'),
    );
    expect(estimate.currency).toBe('USD');
    expect(estimate.priceList).toMatchObject({
      region: 'us-east-1',
      sources: expect.arrayContaining([
        'https://aws.amazon.com/fargate/pricing/',
      ]),
    });
    const vcpu = estimate.lines.find(l => l.item === 'Fargate vCPU (Service)');
    // One task of 1 vCPU all month.
    expect(vcpu).toMatchObject({ quantity: 730, monthly: 29.55 });
    expect(
      estimate.lines.find(l => l.item.startsWith('Public IPv4 of tasks'))
        ?.assumption,
    ).toMatch(/if the network gives tasks public addresses/);
  });

  it('says when it prices another region at us-east-1 rates', async () => {
    const estimate = await driver.estimate(
      cfnResource('network', {
        template: 'builtin:network',
        region: 'eu-west-1',
        parameters: { EnablePrivateSubnets: 'true' },
      }),
      contextFor(env, 'network'),
    );
    const nat = estimate.lines.find(l => l.item === 'NAT gateway (NatGateway)');
    expect(nat?.assumption).toBe('priced at us-east-1 rates');
  });

  it('refuses parameters it cannot read, naming the field', async () => {
    await expect(
      driver.estimate(
        cfnResource('network', { template: 42 }),
        contextFor(env, 'network'),
      ),
    ).rejects.toThrow(/resource 'network': .*template/);
  });
});
