import { parse } from 'yaml';
import { kubectl as runKubectl, type Sandbox } from '@envkit/cloud-sandbox';

/** Runs the real kubectl against the sandbox; its output, or throws. */
export async function kubectl(sandbox: Sandbox, args: string[]) {
  const result = await runKubectl(sandbox, args);
  if (result.code !== 0) {
    throw new Error(`kubectl ${args.join(' ')} failed: ${result.stderr}`);
  }
  return result.stdout;
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
