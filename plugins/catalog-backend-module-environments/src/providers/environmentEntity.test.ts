import {
  summarizeEnvironment,
  type Environment,
} from '@envkit/plugin-environments-common';
import { environmentToEntity } from './environmentEntity';

function environment(type: string, outputs: Record<string, string>) {
  return summarizeEnvironment({
    id: 'e1',
    createdAt: '2025-01-01T00:00:00Z',
    updatedAt: '2025-01-01T00:00:00Z',
    createdBy: 'user:default/alice',
    spec: {
      name: 'payments-dev',
      templateRef: `environmenttemplate:default/${type}`,
      templateVersion: '1.0.0',
      templateSnapshot: { type } as Environment['spec']['templateSnapshot'],
      inputs: {},
      owner: 'group:default/team-payments',
      generation: 1,
    },
    status: {
      phase: 'Ready',
      conditions: [],
      resources: [],
      outputs,
      observedGeneration: 1,
    },
  });
}

describe('environmentToEntity', () => {
  it('points the Kubernetes plugin at the namespace of a namespace environment', () => {
    const entity = environmentToEntity(
      environment('namespace', { namespace: 'env-payments-dev' }),
    );
    expect(entity.metadata.annotations).toMatchObject({
      'backstage.io/kubernetes-namespace': 'env-payments-dev',
      'backstage.io/kubernetes-label-selector':
        'app.kubernetes.io/managed-by=envkit',
    });
  });

  it('gives other environments, and namespaces not made yet, no Kubernetes annotations', () => {
    for (const entity of [
      environmentToEntity(environment('ecs', { namespace: 'x' })),
      environmentToEntity(environment('namespace', {})),
    ]) {
      expect(
        Object.keys(entity.metadata.annotations ?? {}).filter(k =>
          k.startsWith('backstage.io/kubernetes'),
        ),
      ).toEqual([]);
    }
  });

  it('links the endpoint of a live environment, and not while it is being destroyed', () => {
    const live = environment('ecs', { endpoint: 'http://web.example.com' });
    expect(environmentToEntity(live).metadata.links).toEqual([
      { url: 'http://web.example.com', title: 'Endpoint', icon: 'dashboard' },
    ]);
    const going = {
      ...live,
      status: { ...live.status, phase: 'Destroying' as const },
    };
    expect(environmentToEntity(going).metadata.links).toBeUndefined();
    expect(environmentToEntity(going).metadata.description).toMatch(
      /, Destroying$/,
    );
  });
});
