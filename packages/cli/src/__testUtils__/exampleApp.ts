/*
 * The example app as `./envkit start` runs it, for the CLI's suites: the
 * example backend (packages/backend with app-config.yaml and
 * app-config.sandbox.yaml) as a child process on SQLite files in a temp
 * directory, against a cloud sandbox, both on free ports, with CI principals
 * (static external-access tokens) granted by `envkit.ciPrincipals`. And
 * envkitctl run the way a user runs it: its bin, as a child process.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'yaml';
import { describeStacksTagged, type Sandbox } from '@envkit/cloud-sandbox';
import {
  LogSink,
  REPO_ROOT,
  useSandboxBackend,
  type BackendProcess,
} from '@envkit/reliability';

export { REPO_ROOT };

export const ENVKITCTL = path.join(REPO_ROOT, 'packages/cli/bin/envkitctl');

export interface CiPrincipal {
  subject: string;
  token: string;
  templates: string[];
  owners: string[];
}

/**
 * The example ECS template (examples/templates/ecs-web-service.yaml) under
 * another name, with `extra` input properties.
 */
export function ecsTemplateCopy(name: string, extra: object = {}) {
  const ecs = yaml.parse(
    fs.readFileSync(
      path.join(REPO_ROOT, 'examples/templates/ecs-web-service.yaml'),
      'utf8',
    ),
  );
  ecs.metadata.name = name;
  ecs.spec.parameters.properties = {
    ...ecs.spec.parameters.properties,
    ...extra,
  };
  return ecs;
}

export interface ExampleApp {
  readonly sandbox: Sandbox;
  readonly backend: BackendProcess;
  readonly logs: LogSink;
  /** The backend's base URL, as `envkitctl login --url` takes it. */
  readonly url: string;
}

/**
 * Registers `beforeAll`/`afterAll` that start the example app once for the
 * calling `describe`, with `principals` and, besides the example org and
 * ECS template, the EnvironmentTemplate entities `templates`.
 */
export function useExampleApp(
  name: string,
  options: { principals: CiPrincipal[]; templates?: object[] },
): ExampleApp {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `envkitctl-${name}-`));
  const templatesFile = path.join(dir, 'templates.yaml');
  fs.writeFileSync(
    templatesFile,
    (options.templates ?? []).map(t => yaml.stringify(t)).join('---\n'),
  );
  const harness = useSandboxBackend(name, {
    sandbox: { profile: 'fast' },
    backend: {
      extraLocations: [
        { target: templatesFile, rules: [{ allow: ['EnvironmentTemplate'] }] },
      ],
      extraConfig: {
        backend: {
          auth: {
            externalAccess: options.principals.map(p => ({
              type: 'static',
              options: { token: p.token, subject: p.subject },
            })),
          },
        },
        envkit: {
          ciPrincipals: options.principals.map(
            ({ subject, templates, owners }) => ({
              subject,
              templates,
              owners,
            }),
          ),
        },
      },
    },
  });

  beforeAll(async () => {
    options.principals.forEach(p => harness.logs.addSecret(p.token));
    // A cold start with every package's tests running beside it (as in
    // `./envkit test` on two cores) can take minutes.
    await harness.backend.start(
      [
        'environmenttemplate:default/ecs-web-service',
        ...(options.templates ?? []).map(
          (t: any) => `environmenttemplate:default/${t.metadata.name}`,
        ),
      ],
      270_000,
    );
  }, 300_000);

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  return {
    get sandbox() {
      return harness.sandbox;
    },
    get backend() {
      return harness.backend;
    },
    get logs() {
      return harness.logs;
    },
    get url() {
      return harness.backend.url;
    },
  };
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `envkitctl` as a child process with `env` (and PATH) as its whole
 * environment.
 */
export function runEnvkitctl(
  args: string[],
  env: Record<string, string | undefined>,
  cwd = os.tmpdir(),
): Promise<CliRun> {
  return new Promise(resolve => {
    execFile(
      process.execPath,
      [ENVKITCTL, ...args],
      { env: { PATH: process.env.PATH, ...env }, cwd, timeout: 180_000 },
      (error, stdout, stderr) => {
        const code = error ? (error as any).code : 0;
        resolve({
          code: typeof code === 'number' ? code : -1,
          stdout,
          stderr,
        });
      },
    );
  });
}

/**
 * The environment's stacks as the real AWS CLI lists them
 * (`aws cloudformation describe-stacks`: deleted stacks are not listed);
 * the driver tags every stack with the environment's id.
 */
export function stacksOf(sandbox: Sandbox, environmentId: string) {
  return describeStacksTagged(sandbox, {
    key: 'envkit:environment',
    value: environmentId,
  });
}
