import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import type { UrlReaderService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import {
  DriverContext,
  DriverEnvironment,
  DriverResource,
} from '@envkit/plugin-environments-node';
import {
  driverOutcome,
  mockDriverContext,
  mockDriverEnvironment,
  untilSettled,
} from '@envkit/plugin-environments-node/testUtils';
import {
  SANDBOX_AWS_KEYS,
  sandboxAwsCredentials,
  type Sandbox,
} from '@envkit/cloud-sandbox';
import {
  CloudFormationDriver,
  CloudFormationDriverOptions,
} from '../CloudFormationDriver';

export function sandboxDriver(
  sandbox: Sandbox,
  options: Partial<CloudFormationDriverOptions> = {},
): CloudFormationDriver {
  return new CloudFormationDriver({
    logger: mockServices.logger.mock(),
    credentialsManager: sandboxAwsCredentials,
    endpoint: sandbox.url,
    // Generous limits and short backoffs keep the fast profile fast.
    rateLimit: {
      requestsPerSecond: 500,
      burst: 500,
      baseDelayMs: 5,
      maxDelayMs: 40,
      maxAttempts: 12,
    },
    statusBatchWindowMs: 10,
    // Scenarios change stacks and services behind the driver's back and
    // check the next observe sees it: no settled-service skipping, and the
    // stack snapshot's lifetime the scenarios were written for.
    settledRecheckMs: 0,
    stackStatusMaxAgeMs: 5000,
    ...options,
  });
}

/**
 * A URL reader for driver scenarios that take their templates from a
 * repository: `bodies` by URL (any other URL fails the read), or one body
 * for every URL.
 */
export function templateReader(
  bodies: string | Record<string, string>,
): UrlReaderService {
  const bodyOf = (url: string) => {
    if (typeof bodies === 'string') return bodies;
    if (!(url in bodies)) throw new Error(`unexpected read of ${url}`);
    return bodies[url];
  };
  return {
    readUrl: async (url: string) => {
      const body = bodyOf(url);
      return { buffer: async () => Buffer.from(body) };
    },
  } as unknown as UrlReaderService;
}

/**
 * A template (as JSON text) with one Fargate service of an `nginx:1.27`
 * task, in the cluster and with the desired count given (values or `Ref`s),
 * and any further `parameters` and `resources`.
 */
export function fargateServiceTemplate(options: {
  cluster: unknown;
  desiredCount: unknown;
  parameters?: Record<string, unknown>;
  resources?: Record<string, unknown>;
}): string {
  return JSON.stringify({
    Parameters: options.parameters ?? {},
    Resources: {
      ...options.resources,
      Task: {
        Type: 'AWS::ECS::TaskDefinition',
        Properties: {
          ContainerDefinitions: [{ Name: 'app', Image: 'nginx:1.27' }],
        },
      },
      Service: {
        Type: 'AWS::ECS::Service',
        Properties: {
          Cluster: options.cluster,
          TaskDefinition: { Ref: 'Task' },
          DesiredCount: options.desiredCount,
          LaunchType: 'FARGATE',
        },
      },
    },
  });
}

export function environment(
  name: string,
  overrides: Partial<DriverEnvironment> = {},
): DriverEnvironment {
  return mockDriverEnvironment({
    id: `env-${name}-0b1c2d3e`,
    name,
    component: 'component:default/shop',
    templateRef: 'environmenttemplate:default/ecs-web-service',
    ...overrides,
  });
}

export function contextFor(
  env: DriverEnvironment,
  resource: string,
): DriverContext {
  return mockDriverContext(env, resource);
}

export function cfnResource(
  name: string,
  parameters: Record<string, unknown>,
): DriverResource {
  return { name, driver: 'aws-cloudformation', parameters };
}

/** Makes a driver call as the engine does, until it stops being InProgress. */
async function untilDone<T extends { status: string }>(
  call: () => Promise<T>,
  timeoutMs = 30_000,
) {
  return (await untilSettled(() => driverOutcome(call), { timeoutMs })).last;
}

/** What the settle helpers take: a driver call's arguments and a timeout. */
type SettleArgs = [
  driver: CloudFormationDriver,
  resource: DriverResource,
  ctx: DriverContext,
  timeoutMs?: number,
];

export const applyUntilSettled = (...[driver, resource, ctx, t]: SettleArgs) =>
  untilDone(() => driver.apply(resource, ctx), t);

export const destroyUntilSettled = (
  ...[driver, resource, ctx, t]: SettleArgs
) => untilDone(() => driver.destroy(resource, ctx), t);

/** Destroys the resource, expecting it to end Destroyed. */
export async function expectDestroyed(...args: SettleArgs) {
  expect(await destroyUntilSettled(...args)).toEqual({ status: 'Destroyed' });
}

/** Expects `call` to throw a permanent failure with `reason`. */
export async function expectPermanentFailure(
  call: () => Promise<unknown>,
  reason: string,
) {
  expect(await driverOutcome(call)).toMatchObject({
    status: 'Failed',
    kind: 'permanent',
    reason,
  });
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real AWS CLI v2 against the sandbox with throwaway settings. */
export function awsCli(sandbox: Sandbox, args: string[]): Promise<CliResult> {
  const home = mkdtempSync(join(tmpdir(), 'envkit-cfn-aws-'));
  return new Promise(resolve => {
    execFile(
      '/usr/bin/aws',
      [
        '--endpoint-url',
        sandbox.url,
        '--region',
        'us-east-1',
        '--output',
        'json',
        ...args,
      ],
      {
        timeout: 60_000,
        env: {
          PATH: process.env.PATH,
          HOME: home,
          AWS_CONFIG_FILE: join(home, 'config'),
          AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
          AWS_ACCESS_KEY_ID: SANDBOX_AWS_KEYS.accessKeyId,
          AWS_SECRET_ACCESS_KEY: SANDBOX_AWS_KEYS.secretAccessKey,
          AWS_PAGER: '',
        },
      },
      (error, stdout, stderr) => {
        let code = 0;
        if (error) code = typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The IAM actions of S3 operations whose names differ from them. */
const IAM_ACTION: Record<string, string> = {
  's3:ListObjectsV2': 's3:ListBucket',
  's3:DeleteObjects': 's3:DeleteObject',
};

/**
 * Tallies, per `service:Action`, the sandbox calls the driver made: the
 * harness wraps its own direct calls in {@link CallLedger.harness} so they
 * are left out.
 */
export class CallLedger {
  private readonly driverCalls = new Map<string, number>();
  private harnessCalls = new Map<string, number>();

  constructor(private readonly sandbox: Sandbox) {}

  private snapshot(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [service, actions] of Object.entries(
      this.sandbox.controls.calls(),
    )) {
      for (const [action, count] of Object.entries(actions)) {
        out.set(`${service}:${action}`, count);
      }
    }
    return out;
  }

  async harness<T>(fn: () => Promise<T>): Promise<T> {
    const before = this.snapshot();
    try {
      return await fn();
    } finally {
      for (const [key, count] of this.snapshot()) {
        const extra = count - (before.get(key) ?? 0);
        if (extra > 0) {
          this.harnessCalls.set(key, (this.harnessCalls.get(key) ?? 0) + extra);
        }
      }
    }
  }

  /** Moves the counters into the ledger; call before any reset. */
  collect(): void {
    for (const [key, count] of this.snapshot()) {
      const own = count - (this.harnessCalls.get(key) ?? 0);
      if (own > 0)
        this.driverCalls.set(key, (this.driverCalls.get(key) ?? 0) + own);
    }
    this.harnessCalls = new Map();
    this.sandbox.controls.resetCalls();
  }

  actions(): string[] {
    this.collect();
    return [...this.driverCalls.keys()].sort();
  }

  /** {@link CallLedger.actions} as the IAM actions that permit them. */
  iamActions(): string[] {
    return [
      ...new Set(this.actions().map(action => IAM_ACTION[action] ?? action)),
    ].sort();
  }
}

/** The actions in `used` the documented IAM policy does not allow. */
export function notInDocumentedPolicy(used: string[]): string[] {
  const { covers } = documentedPolicy();
  return used.filter(action => !covers(action));
}

/**
 * The IAM policy docs/drivers/aws-cloudformation.md documents for the
 * Backstage role: the actions it allows, and whether it allows one.
 */
export function documentedPolicy(): {
  allowed: string[];
  covers: (action: string) => boolean;
} {
  const doc = readFileSync(
    resolvePath(__dirname, '../../../../../docs/drivers/aws-cloudformation.md'),
    'utf8',
  );
  const block = /<!-- iam-policy -->\s*```json\n([\s\S]*?)```/.exec(doc);
  if (!block)
    throw new Error('the driver page has no <!-- iam-policy --> block');
  const policy = JSON.parse(block[1]);
  const allowed: string[] = policy.Statement.filter(
    (s: any) => s.Effect === 'Allow',
  ).flatMap((s: any) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
  const covers = (action: string) =>
    allowed.some(pattern =>
      new RegExp(
        `^${pattern
          .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '.*')}$`,
        'i',
      ).test(action),
    );
  return { allowed, covers };
}
