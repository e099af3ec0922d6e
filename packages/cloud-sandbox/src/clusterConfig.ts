/**
 * The sandbox as one entry of `environments.kubernetes.clusters`, for the
 * tests, suites and benchmarks that configure the kubernetes-namespace
 * driver against it.
 */
import type { Sandbox } from './sandbox';

/**
 * One `environments.kubernetes.clusters` entry (a type, so that it fits
 * config data).
 *
 * @public
 */
export type SandboxClusterConfig = {
  name: string;
  url: string;
  authProvider: 'serviceAccount';
  serviceAccountToken: string;
  skipTLSVerify: boolean;
  ingressDomain: string;
  endpointUrlTemplate: string;
};

/**
 * A cluster entry for the sandbox's Kubernetes API; `overrides` replace
 * single keys (a suite's own token, say).
 *
 * @public
 */
export function sandboxClusterConfig(
  sandbox: Pick<Sandbox, 'url'>,
  overrides: Partial<SandboxClusterConfig> = {},
): SandboxClusterConfig {
  return {
    name: 'sandbox',
    url: sandbox.url,
    authProvider: 'serviceAccount',
    serviceAccountToken: 'sandbox-token',
    // The sandbox speaks plain HTTP, which the client only allows so.
    skipTLSVerify: true,
    ingressDomain: 'apps.sandbox.envkit.local',
    // Workload hosts are served by the sandbox's endpoint pages.
    endpointUrlTemplate: `${sandbox.url}/_sandbox/endpoints/{host}`,
    ...overrides,
  };
}
