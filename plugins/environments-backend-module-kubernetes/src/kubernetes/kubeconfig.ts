import { readFileSync } from 'node:fs';
import { dumpYaml } from '@kubernetes/client-node';
import type { KubernetesClusterOptions } from './config';

/** What goes into a kubeconfig for one namespace. */
export interface KubeconfigInput {
  cluster: KubernetesClusterOptions;
  server: string;
  namespace: string;
  /** A ServiceAccount token; absent on OIDC clusters (exec credentials). */
  token?: string;
}

function certificateAuthority(
  cluster: KubernetesClusterOptions,
): Record<string, unknown> {
  if (cluster.caData) return { 'certificate-authority-data': cluster.caData };
  if (cluster.caFile) {
    // The file is on the backend's machine; the kubeconfig carries its content.
    return {
      'certificate-authority-data': readFileSync(cluster.caFile).toString(
        'base64',
      ),
    };
  }
  return cluster.skipTLSVerify ? { 'insecure-skip-tls-verify': true } : {};
}

/**
 * The credential stanza for an OIDC cluster: kubectl runs the oidc-login
 * plugin (https://github.com/int128/kubelogin), which signs the person in
 * with the issuer; no secret is written into the file.
 */
function oidcUser(
  oidc: NonNullable<KubernetesClusterOptions['access']>['oidc'],
) {
  return {
    exec: {
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      command: 'kubectl',
      args: [
        'oidc-login',
        'get-token',
        `--oidc-issuer-url=${oidc!.issuerUrl}`,
        `--oidc-client-id=${oidc!.clientId}`,
        ...(oidc!.extraScopes ?? []).map(s => `--oidc-extra-scope=${s}`),
      ],
      interactiveMode: 'IfAvailable',
      provideClusterInfo: false,
    },
  };
}

/** A kubeconfig (YAML) whose current context is the namespace. */
export function kubeconfigYaml(input: KubeconfigInput): string {
  const { cluster, namespace } = input;
  const user = `${cluster.name}-${namespace}`;
  return dumpYaml({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: cluster.name,
        cluster: { server: input.server, ...certificateAuthority(cluster) },
      },
    ],
    users: [
      {
        name: user,
        user:
          input.token !== undefined
            ? { token: input.token }
            : oidcUser(cluster.access?.oidc),
      },
    ],
    contexts: [
      {
        name: user,
        context: { cluster: cluster.name, namespace, user },
      },
    ],
    'current-context': user,
    preferences: {},
  });
}
