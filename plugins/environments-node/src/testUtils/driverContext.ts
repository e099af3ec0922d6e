import { mockServices } from '@backstage/backend-test-utils';
import {
  DriverContext,
  DriverEnvironment,
} from '@envkit/plugin-environments-node';
import { createDriverContext } from '@envkit/plugin-environments-node';

/**
 * A `DriverEnvironment` for driver tests; every field can be
 * overridden.
 *
 * @public
 */
export function mockDriverEnvironment(
  overrides: Partial<DriverEnvironment> = {},
): DriverEnvironment {
  return {
    id: 'env-test-0b1c2d3e',
    name: 'test',
    owner: 'user:default/jane',
    generation: 1,
    templateRef: 'environmenttemplate:default/test',
    templateVersion: '1.0.0',
    ...overrides,
  };
}

/**
 * The context the engine would hand a driver call on `resource` of
 * `environment`, with a mock logger.
 *
 * @public
 */
export function mockDriverContext(
  environment: DriverEnvironment,
  resource: string,
): DriverContext {
  return createDriverContext({
    environment,
    resource,
    logger: mockServices.logger.mock(),
  });
}
