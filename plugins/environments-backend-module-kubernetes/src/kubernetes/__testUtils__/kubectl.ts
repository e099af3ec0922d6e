import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import type { Sandbox } from '@envkit/cloud-sandbox';

/** Runs the real kubectl against the sandbox, with a fresh home and cache. */
export async function kubectl(sandbox: Sandbox, args: string[]) {
  const home = mkdtempSync(join(tmpdir(), 'envkit-kubectl-'));
  const { stdout } = await promisify(execFile)(
    '/usr/bin/kubectl',
    [
      '--kubeconfig',
      sandbox.kubeconfigPath,
      '--cache-dir',
      join(home, 'cache'),
      ...args,
    ],
    { env: { PATH: process.env.PATH, HOME: home } },
  );
  return stdout;
}

/** `kubectl get <what> -n <namespace> -o yaml`: the raw text and the object. */
export async function kubectlGet(
  sandbox: Sandbox,
  namespace: string,
  what: string[],
): Promise<{ text: string; object: any }> {
  const text = await kubectl(sandbox, [
    '--namespace',
    namespace,
    'get',
    ...what,
    '-o',
    'yaml',
  ]);
  return { text, object: parse(text) };
}
