import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  isError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { environmentAccessPermission } from '@envkit/plugin-environments-common';
import {
  DriverAccessGrant,
  DriverFailure,
  driverEnvironmentOf,
} from '@envkit/plugin-environments-node';
import { hasExpired } from '../lifetime';
import {
  EnvironmentAccess,
  EnvironmentOperationsOptions,
} from './EnvironmentAccess';

/** How long a driver may take to hand out credentials. */
const ACCESS_TIMEOUT_MS = 30_000;

/**
 * Kubeconfigs for namespace environments: `environment.access` on top of
 * `environment.read`, only for a Ready environment, from the driver's
 * optional `access` capability. The credentials go back to the caller
 * only; the timeline records that they were issued, to whom and until when.
 */
export class EnvironmentKubeconfigs {
  constructor(
    private readonly options: EnvironmentOperationsOptions,
    private readonly access: EnvironmentAccess,
  ) {}

  async kubeconfig(
    id: string,
    credentials: BackstageCredentials,
    request: { expirationSeconds?: number } = {},
  ): Promise<DriverAccessGrant> {
    const environment = await this.access.get(id, credentials);
    const { spec, status } = environment;
    await this.access.require(
      environmentAccessPermission,
      environment,
      credentials,
      'get a kubeconfig for',
    );
    if (
      spec.deletionRequestedAt ||
      hasExpired(spec, this.access.now()) ||
      status.phase !== 'Ready'
    ) {
      throw new ConflictError(
        `Environment '${spec.name}' is ${
          status.phase === 'Ready' ? 'being destroyed' : status.phase
        }; a kubeconfig is given only while it is Ready`,
      );
    }
    const drivers = this.options.drivers();
    const resource = status.resources.find(
      r => typeof drivers.get(r.driver)?.access === 'function',
    );
    const driver = resource && drivers.get(resource.driver);
    if (!resource || !driver?.access) {
      throw new ConflictError(
        `Environment '${spec.name}' has no namespace to give a kubeconfig for`,
      );
    }
    const logger = this.options.logger.child({ environmentId: id });
    let grant: DriverAccessGrant;
    try {
      grant = await driver.access(
        {
          environment: driverEnvironmentOf(environment),
          resource: {
            name: resource.name,
            driver: resource.driver,
            outputs: resource.outputs,
          },
          expirationSeconds: request.expirationSeconds,
        },
        { logger, signal: AbortSignal.timeout(ACCESS_TIMEOUT_MS) },
      );
    } catch (error) {
      if (error instanceof DriverFailure) {
        // The cluster is unreachable or refused: try again later.
        throw new ServiceUnavailableError(
          `Could not get a kubeconfig for environment '${spec.name}': ${error.message}`,
        );
      }
      throw isError(error) ? error : new Error(String(error));
    }
    const caller = await this.access.caller(credentials);
    await this.access.recordEvent(
      id,
      'KubeconfigIssued',
      grant.authentication === 'token'
        ? `A kubeconfig for namespace '${grant.namespace}' was issued to ${caller.ref}, valid until ${grant.expiresAt}.`
        : `A kubeconfig for namespace '${grant.namespace}' (sign-in through the cluster's identity provider) was issued to ${caller.ref}.`,
    );
    return {
      cluster: grant.cluster,
      namespace: grant.namespace,
      server: grant.server,
      authentication: grant.authentication,
      ...(grant.expiresAt ? { expiresAt: grant.expiresAt } : {}),
      kubeconfig: grant.kubeconfig,
    };
  }
}
