import { createEnvironmentDriverModule } from '@envkit/plugin-environments-node';
import { CloudFormationDriver } from './cloudformation';

/**
 * Adds the aws-cloudformation driver to the environments backend; at
 * shutdown it closes the driver's SDK clients.
 *
 * @public
 */
export const environmentsModuleAws = createEnvironmentDriverModule({
  moduleId: 'aws',
  driverId: 'aws-cloudformation',
  createDriver: ({ config, logger, urlReader }) =>
    CloudFormationDriver.fromConfig(config, { logger, urlReader }),
});
