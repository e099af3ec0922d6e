/** Writes a kubeconfig that points kubectl and client libraries at the sandbox. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

export const SANDBOX_TOKEN = 'envkit-sandbox-token';

export function kubeconfigYaml(server: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'envkit-sandbox',
        cluster: { server, 'insecure-skip-tls-verify': true },
      },
    ],
    users: [{ name: 'envkit-sandbox', user: { token: SANDBOX_TOKEN } }],
    contexts: [
      {
        name: 'envkit-sandbox',
        context: {
          cluster: 'envkit-sandbox',
          user: 'envkit-sandbox',
          namespace: 'default',
        },
      },
    ],
    'current-context': 'envkit-sandbox',
    preferences: {},
  });
}

export function writeKubeconfig(server: string, path?: string): string {
  const target =
    path ?? join(mkdtempSync(join(tmpdir(), 'envkit-sandbox-')), 'kubeconfig');
  writeFileSync(target, kubeconfigYaml(server), { mode: 0o600 });
  return target;
}
