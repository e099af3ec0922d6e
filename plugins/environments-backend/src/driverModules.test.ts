import { mockServices } from '@backstage/backend-test-utils';
import { assertDriverModulesInstalled } from './driverModules';

describe('assertDriverModulesInstalled', () => {
  const kubernetes = mockServices.rootConfig({
    data: { environments: { kubernetes: { clusters: [] } } },
  });

  it('names the config key and the module to add when the driver is missing', () => {
    expect(() => assertDriverModulesInstalled(kubernetes, [])).toThrow(
      "'environments.kubernetes' is configured but no 'kubernetes-namespace' driver is registered; the driver moved into @envkit/plugin-environments-backend-module-kubernetes",
    );
  });

  it('passes when the driver is registered or its config is absent', () => {
    expect(() =>
      assertDriverModulesInstalled(kubernetes, ['kubernetes-namespace']),
    ).not.toThrow();
    expect(() =>
      assertDriverModulesInstalled(mockServices.rootConfig(), []),
    ).not.toThrow();
  });
});
