/**
 * Credentials for AWS clients and the aws-cloudformation driver pointed at
 * the sandbox, for the tests, suites and benchmarks that use it. The
 * sandbox reads only the signing scope of a request, never the keys.
 */
import { DUMMY_AWS_ENV } from './realClients';
import { SANDBOX_ACCOUNT_ID } from './sandbox';

/** Dummy keys, the same the real clients are given. @public */
export const SANDBOX_AWS_KEYS = {
  accessKeyId: DUMMY_AWS_ENV.AWS_ACCESS_KEY_ID,
  secretAccessKey: DUMMY_AWS_ENV.AWS_SECRET_ACCESS_KEY,
};

/**
 * An `AwsCredentialsManager` (of `@backstage/integration-aws-node`, by
 * shape) that answers the sandbox account and {@link SANDBOX_AWS_KEYS}.
 *
 * @public
 */
export const sandboxAwsCredentials = {
  async getCredentialProvider() {
    return {
      accountId: SANDBOX_ACCOUNT_ID,
      sdkCredentialProvider: async () => SANDBOX_AWS_KEYS,
    };
  },
};
