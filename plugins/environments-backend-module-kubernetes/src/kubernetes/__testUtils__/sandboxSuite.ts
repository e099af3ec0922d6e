import { startSandbox, type Sandbox } from '@envkit/cloud-sandbox';
import { namespaceName } from '@envkit/plugin-environments-common';
import type { DriverEnvironment } from '@envkit/plugin-environments-node';
import type { KubernetesClusterOptions } from '../config';
import {
  adminApi,
  paths,
  sandboxDriver,
  testContext,
  testEnvironment,
} from './fixtures';

/** What a describe block shares: one sandbox (the expensive part) and an admin client for it. */
export interface SandboxSuite {
  sandbox: Sandbox;
  admin: ReturnType<typeof adminApi>;
}

/**
 * Starts one sandbox for the enclosing describe block and stops it after;
 * the fields are set once `beforeAll` has run.
 */
export function useSandboxSuite(): SandboxSuite {
  const suite = {} as SandboxSuite;
  beforeAll(async () => {
    suite.sandbox = await startSandbox({ port: 0, profile: 'fast' });
    suite.admin = adminApi(suite.sandbox);
  });
  afterAll(() => suite.sandbox.stop());
  return suite;
}

/**
 * A driver on the sandbox cluster, with `cluster` changing its entry (say a
 * `url` of a recording proxy in front of the sandbox, or `access`), and one
 * environment to act on, with its namespace and object paths.
 */
export function sandboxScenario(
  sandbox: Sandbox,
  environment: Partial<DriverEnvironment> = {},
  cluster: Partial<KubernetesClusterOptions> = {},
) {
  const driver = sandboxDriver(sandbox, cluster);
  const env = testEnvironment(environment);
  const namespace = namespaceName(env.name, env.id);
  return {
    driver,
    environment: env,
    ctx: testContext(env),
    namespace,
    at: paths(namespace),
  };
}
