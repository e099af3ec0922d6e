import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import { readKubernetesNamespaceDriverOptions } from './config';
import { KubernetesNamespaceDriver } from './KubernetesNamespaceDriver';

describe('environments.kubernetes configuration', () => {
  it('reads clusters and settings', () => {
    const config = new ConfigReader({
      environments: {
        kubernetes: {
          defaultCluster: 'dev',
          subjectPrefix: 'oidc:',
          podSecurity: 'restricted',
          clusters: [
            {
              name: 'dev',
              url: 'https://dev.example.com',
              authProvider: 'serviceAccount',
              serviceAccountToken: 'secret',
              ingressDomain: 'apps.dev.example.com',
            },
          ],
        },
      },
    });
    expect(readKubernetesNamespaceDriverOptions(config)).toMatchObject({
      defaultCluster: 'dev',
      subjectPrefix: 'oidc:',
      podSecurity: 'restricted',
      clusters: [
        {
          name: 'dev',
          serviceAccountToken: 'secret',
          ingressDomain: 'apps.dev.example.com',
        },
      ],
    });
    const driver = KubernetesNamespaceDriver.fromConfig(config, {
      logger: mockServices.logger.mock(),
    });
    expect(driver.id).toBe('kubernetes-namespace');
  });

  it('explains what is wrong', () => {
    const read = (kubernetes: unknown) =>
      readKubernetesNamespaceDriverOptions(
        new ConfigReader({ environments: { kubernetes } } as any),
      );
    expect(read(undefined)).toBeUndefined();
    expect(() =>
      read({
        clusters: [{ name: 'a', url: 'https://a' }],
        defaultCluster: 'b',
      }),
    ).toThrow("defaultCluster: no cluster named 'b'");
    expect(() => read({ clusters: [{ name: 'a' }] })).toThrow(
      'set url or kubeconfigPath',
    );
    expect(() =>
      read({
        clusters: [{ name: 'a', url: 'https://a', authProvider: 'oidc' }],
      }),
    ).toThrow("only 'serviceAccount' is supported");
    const cluster = { name: 'a', url: 'https://a' };
    expect(
      read({
        clusters: [cluster],
        statusSweep: { maxAgeMs: 0, pageSize: 250 },
      })?.statusSweep,
    ).toEqual({ maxAgeMs: 0, pageSize: 250 });
    expect(() =>
      read({ clusters: [cluster], statusSweep: { pageSize: 0 } }),
    ).toThrow('environments.kubernetes.statusSweep.pageSize');
    expect(() =>
      read({ clusters: [cluster], statusSweep: { maxAgeMs: -1 } }),
    ).toThrow('environments.kubernetes.statusSweep.maxAgeMs');
    expect(() =>
      KubernetesNamespaceDriver.fromConfig(new ConfigReader({}), {
        logger: mockServices.logger.mock(),
      }),
    ).toThrow('environments.kubernetes is not configured');
  });
});
