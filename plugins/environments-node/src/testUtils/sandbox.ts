import type { Sandbox, SandboxOptions } from '@envkit/cloud-sandbox';

/**
 * Starts a cloud sandbox (`@envkit/cloud-sandbox`, fast profile, a free
 * port) before the tests of the enclosing `describe` and stops it after
 * them; call the returned function inside a test to get it.
 *
 * @remarks
 * The sandbox package (private to this repository) is loaded only when this
 * is used, so consumers of the other test utilities do not need it.
 *
 * @public
 */
export function useCloudSandbox(options: SandboxOptions = {}): () => Sandbox {
  let sandbox: Sandbox | undefined;
  beforeAll(async () => {
    // Loaded here, not at the top, so only users of this helper need it.
    const {
      startSandbox,
    }: typeof import('@envkit/cloud-sandbox') = require('@envkit/cloud-sandbox');
    sandbox = await startSandbox({ port: 0, profile: 'fast', ...options });
  });
  afterAll(async () => {
    await sandbox?.stop();
    sandbox = undefined;
  });
  return () => {
    if (!sandbox) {
      throw new Error(
        'The cloud sandbox runs only inside the tests of its describe block',
      );
    }
    return sandbox;
  };
}
