import type { Sandbox } from '../sandbox';

/** AWS SDK v3 client options pointing at the sandbox with dummy credentials. */
export function sdkConfig(sandbox: Sandbox) {
  return {
    endpoint: sandbox.url,
    region: 'us-east-1',
    credentials: {
      accessKeyId: 'AKIDSANDBOX',
      secretAccessKey: 'sandbox-secret',
    },
  };
}
