import {
  interpolate,
  pendingEnvironmentStatus,
  type Environment,
} from '@envkit/plugin-environments-common';
import {
  driverEnvironmentOf,
  interpolationContextOf,
} from './environmentContext';

const environment: Environment = {
  id: 'env-1',
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  createdBy: 'user:default/lena',
  spec: {
    name: 'checkout-demo',
    templateRef: 'environmenttemplate:default/web',
    templateVersion: '1.2.0',
    templateSnapshot: {} as Environment['spec']['templateSnapshot'],
    inputs: { port: 80 },
    owner: 'group:default/team-storefront',
    component: 'component:default/checkout',
    generation: 3,
  },
  status: pendingEnvironmentStatus(),
};

describe('the environment drivers and templates see', () => {
  it('gives drivers the identity, component and generation of the spec', () => {
    expect(driverEnvironmentOf(environment)).toEqual({
      id: 'env-1',
      name: 'checkout-demo',
      owner: 'group:default/team-storefront',
      component: 'component:default/checkout',
      generation: 3,
      templateRef: 'environmenttemplate:default/web',
      templateVersion: '1.2.0',
    });
  });

  it('lets templates read inputs, the component and upstream outputs', () => {
    const context = interpolationContextOf(environment, [
      { name: 'network', outputs: { vpcId: 'vpc-1' } },
    ]);
    expect(
      interpolate(
        {
          port: '${{ inputs.port }}',
          component: '${{ environment.component }}',
          vpc: '${{ resources.network.outputs.vpcId }}',
        },
        context,
      ),
    ).toEqual({
      port: 80,
      component: 'component:default/checkout',
      vpc: 'vpc-1',
    });
  });

  it('leaves out the component of an environment that serves none', () => {
    const { component, ...spec } = environment.spec;
    const standalone = { ...environment, spec };
    expect(component).toBeDefined();
    expect(driverEnvironmentOf(standalone)).not.toHaveProperty('component');
    expect(interpolationContextOf(standalone).environment).not.toHaveProperty(
      'component',
    );
  });
});
