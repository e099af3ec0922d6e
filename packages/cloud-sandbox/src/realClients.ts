/**
 * The real clients against a sandbox: the AWS CLI v2 and kubectl, as a
 * developer would run them. Tests of every package check what they made
 * with these rather than with the sandbox's own view.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sandbox } from './sandbox';

/** What a command printed and its exit code. @public */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

function run(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<CommandResult> {
  return new Promise(resolve => {
    execFile(
      file,
      args,
      { env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        let code = 0;
        if (error) code = typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Dummy credentials only: the sandbox never checks them. @public */
export const DUMMY_AWS_ENV = {
  AWS_ACCESS_KEY_ID: 'AKIDSANDBOX',
  AWS_SECRET_ACCESS_KEY: 'sandbox-secret',
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_PAGER: '',
};

/** A fresh, empty home directory, so no user configuration leaks in. */
const freshHome = (tool: string) =>
  mkdtempSync(join(tmpdir(), `envkit-${tool}-home-`));

/**
 * Runs the real AWS CLI v2 (`/usr/bin/aws`) against the sandbox, with a
 * throwaway home and dummy credentials so no user configuration leaks in.
 *
 * @public
 */
export function aws(sandbox: Sandbox, args: string[]): Promise<CommandResult> {
  const home = freshHome('aws');
  const global = ['--endpoint-url', sandbox.url, '--region', 'us-east-1'];
  return run('/usr/bin/aws', [...global, '--output', 'json', ...args], {
    PATH: process.env.PATH,
    HOME: home,
    AWS_CONFIG_FILE: join(home, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
    ...DUMMY_AWS_ENV,
  });
}

/**
 * Runs the real `kubectl` against the sandbox with its kubeconfig, a
 * throwaway home and (unless given) a fresh discovery cache.
 *
 * @public
 */
export function kubectl(
  sandbox: Sandbox,
  args: string[],
  cacheDir?: string,
): Promise<CommandResult> {
  const home = freshHome('kubectl');
  const cache = cacheDir ?? join(home, 'cache');
  return run(
    '/usr/bin/kubectl',
    ['--kubeconfig', sandbox.kubeconfigPath, '--cache-dir', cache, ...args],
    { PATH: process.env.PATH, HOME: home },
  );
}

/** What the real AWS CLI printed as JSON; throws on a non-zero exit. */
async function awsJson(sandbox: Sandbox, args: string[]): Promise<any> {
  const result = await aws(sandbox, args);
  if (result.code !== 0) {
    throw new Error(`aws ${args.join(' ')}: ${result.stderr}`);
  }
  return JSON.parse(result.stdout);
}

/**
 * The stacks `aws cloudformation describe-stacks` lists (deleted ones are
 * not) that carry the tag `key` = `value`.
 *
 * @public
 */
export async function describeStacksTagged(
  sandbox: Sandbox,
  tag: { key: string; value: string },
): Promise<any[]> {
  const { Stacks } = await awsJson(sandbox, [
    'cloudformation',
    'describe-stacks',
  ]);
  return (Stacks as any[]).filter(s =>
    (s.Tags ?? []).some((t: any) => t.Key === tag.key && t.Value === tag.value),
  );
}

/**
 * One ECS service as `aws ecs describe-services` shows it (deployments
 * newest first).
 *
 * @public
 */
export async function describeService(
  sandbox: Sandbox,
  cluster: string,
  service: string,
): Promise<any> {
  const { services } = await awsJson(sandbox, [
    'ecs',
    'describe-services',
    '--cluster',
    cluster,
    '--services',
    service,
  ]);
  return services[0];
}
