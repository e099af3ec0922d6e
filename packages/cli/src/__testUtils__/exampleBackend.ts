/*
 * The example app's backend, in this process: the environments plugin with
 * the AWS driver against the cloud sandbox, Backstage's real token
 * authentication with static external-access tokens, and the example
 * backend's permissions service and policy deciding what each CI principal
 * may do. Only the catalog is a mock (holding the example templates).
 */
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { authServiceFactory } from '@backstage/backend-defaults/auth';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { Entity } from '@backstage/catalog-model';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import environmentsPlugin from '@envkit/plugin-environments-backend';
import environmentsModuleAws from '@envkit/plugin-environments-backend-module-aws';
import type { Sandbox } from '@envkit/cloud-sandbox';
// The example backend's own permissions service, so the tests cover what ships.
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import ciPrincipalPermissions from '../../../backend/src/ciPrincipalPermissions';
import { CliIo } from '../io';
import { main } from '../program';

const REPO_ROOT = path.resolve(__dirname, '../../../..');

export function exampleTemplates(): Entity[] {
  return ['ecs-web-service.yaml', 'dev-namespace.yaml'].map(file => {
    const entity = yaml.parse(
      fs.readFileSync(path.join(REPO_ROOT, 'examples/templates', file), 'utf8'),
    );
    return {
      ...entity,
      metadata: { namespace: 'default', ...entity.metadata },
    };
  });
}

export interface CiPrincipal {
  subject: string;
  token: string;
  templates: string[];
  owners: string[];
}

/** Starts the backend; its base URL, as `envkitctl login --url` takes it. */
export async function startExampleBackend(options: {
  sandbox: Sandbox;
  principals: CiPrincipal[];
  entities?: Entity[];
}): Promise<string> {
  const { server } = await startTestBackend({
    features: [
      environmentsPlugin,
      environmentsModuleAws,
      catalogServiceMock.factory({
        entities: options.entities ?? exampleTemplates(),
      }),
      authServiceFactory,
      httpAuthServiceFactory,
      ciPrincipalPermissions,
      // The engine sweeps on a schedule, which the mock scheduler runs once.
      schedulerServiceFactory,
      mockServices.rootConfig.factory({
        data: {
          backend: {
            auth: {
              externalAccess: options.principals.map(p => ({
                type: 'static',
                options: { token: p.token, subject: p.subject },
              })),
            },
          },
          permission: { enabled: true },
          envkit: {
            ciPrincipals: options.principals.map(
              ({ subject, templates, owners }) => ({
                subject,
                templates,
                owners,
              }),
            ),
          },
          environments: {
            engine: { intervalSeconds: 1 },
            aws: { endpoint: options.sandbox.url },
          },
          aws: {
            mainAccount: {
              accessKeyId: 'cli-test-key',
              secretAccessKey: 'cli-test-secret',
            },
          },
        },
      }),
    ],
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return `http://localhost:${port}`;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs envkitctl in this process with `env` as its whole environment. */
export async function runCli(
  args: string[],
  env: Record<string, string | undefined>,
  cwd = process.cwd(),
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: text => {
      stdout += text;
    },
    stderr: text => {
      stderr += text;
    },
    env,
    cwd,
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}
