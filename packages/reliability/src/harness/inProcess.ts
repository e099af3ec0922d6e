/*
 * An in-process backend for the API suites: the environments plugin with
 * the example app's permission policy class deciding every request, a catalog mock
 * holding the templates, user groups from a mocked userInfo service and an
 * auditor that records every event; and, for the suites that provision on
 * the cloud sandbox, the plugin with every permission allowed but those a
 * suite refuses.
 */
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  mockServices,
  startTestBackend,
  TestBackend,
} from '@backstage/backend-test-utils';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
// The suites start the real plugin in a test backend.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import environmentsPlugin from '@envkit/plugin-environments-backend';
import environmentsModuleAws from '@envkit/plugin-environments-backend-module-aws';
import environmentsModuleKubernetes from '@envkit/plugin-environments-backend-module-kubernetes';
import { Entity } from '@backstage/catalog-model';
import { JsonObject } from '@backstage/types';
import type { Sandbox } from '@envkit/cloud-sandbox';
// The example app's own policy class, so the matrix tests what ships.
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import { EnvkitExamplePolicy } from '../../../backend/src/permissionPolicy';

export interface AuditRecord {
  eventId: string;
  severityLevel?: string;
  meta?: JsonObject;
  method?: string;
  path?: string;
  outcome: 'pending' | 'success' | 'fail';
  error?: string;
}

export function userOf(credentials: BackstageCredentials): string {
  return (
    (credentials.principal as { userEntityRef?: string }).userEntityRef ?? ''
  );
}

export async function startApiBackend(options: {
  entities: Entity[];
  groups: Record<string, string[]>;
  config?: JsonObject;
  extraFeatures?: any[];
}): Promise<{ server: TestBackend['server']; audit: AuditRecord[] }> {
  const audit: AuditRecord[] = [];
  const auditor = mockServices.auditor.mock({
    async createEvent(opts) {
      const record: AuditRecord = {
        eventId: opts.eventId,
        severityLevel: opts.severityLevel,
        meta: opts.meta as JsonObject | undefined,
        method: (opts.request as any)?.method,
        path: (opts.request as any)?.originalUrl,
        outcome: 'pending',
      };
      audit.push(record);
      return {
        async success(done?: { meta?: JsonObject }) {
          record.outcome = 'success';
          // Metadata known only at the end (what was issued) joins the event's.
          if (done?.meta) record.meta = { ...record.meta, ...done.meta };
        },
        async fail(failure: { error?: Error }) {
          record.outcome = 'fail';
          record.error = failure.error?.message;
        },
      } as any;
    },
  });
  // The example policy decides every request. The permission backend is
  // not in the loop: with the test backend's mock tokens it refuses resource
  // permissions on behalf of users ("Direct user requests without a
  // resourceRef are not allowed"), which real on-behalf-of tokens pass. The
  // service itself applies conditional decisions, as in production.
  const policy = new EnvkitExamplePolicy();
  const policyUser = async (credentials: BackstageCredentials) => {
    const user = userOf(credentials);
    if (!user) return undefined;
    const ownershipEntityRefs = options.groups[user] ?? [user];
    return {
      info: { userEntityRef: user, ownershipEntityRefs },
      identity: {
        type: 'user' as const,
        userEntityRef: user,
        ownershipEntityRefs,
      },
      token: '',
      credentials,
    };
  };
  const permissions = mockServices.permissions.mock({
    async authorizeConditional(requests, { credentials }) {
      const user = await policyUser(credentials);
      return Promise.all(
        requests.map(r =>
          policy.handle({ permission: r.permission } as any, user),
        ),
      ) as any;
    },
    async authorize(requests, { credentials }) {
      const user = await policyUser(credentials);
      return Promise.all(
        requests.map(async r => {
          const decision = await policy.handle(
            { permission: r.permission } as any,
            user,
          );
          if (decision.result === AuthorizeResult.CONDITIONAL) {
            throw new Error(
              `authorize() got a conditional decision for ${r.permission.name}`,
            );
          }
          return { result: decision.result };
        }),
      ) as any;
    },
  });
  const { server } = await startTestBackend({
    features: [
      environmentsPlugin,
      // The drivers, as the example backend adds them.
      environmentsModuleAws,
      environmentsModuleKubernetes,
      permissions.factory,
      catalogServiceMock.factory({ entities: options.entities }),
      auditor.factory,
      mockServices.userInfo.mock({
        async getUserInfo(credentials) {
          const user = userOf(credentials);
          return {
            userEntityRef: user,
            ownershipEntityRefs: options.groups[user] ?? [user],
          };
        },
      }).factory,
      mockServices.rootConfig.factory({
        data: {
          permission: { enabled: true },
          environments: { engine: { intervalSeconds: 3600 } },
          ...options.config,
        },
      }),
      ...(options.extraFeatures ?? []),
    ],
  });
  return { server, audit };
}

/**
 * The environments plugin with both driver modules in a test backend on
 * `sandbox`, as the example backend runs them: the real scheduler (the
 * engine sweeps every second; the mock one runs a task only once), a
 * catalog mock holding `entities` as they are (a suite may change them
 * between tests), and every permission allowed but those `refuse` names.
 * `name` names the AWS main account's keys. Answers the base URL.
 */
export async function startSandboxApiBackend(options: {
  sandbox: Sandbox;
  name: string;
  entities: Entity[];
  refuse?: string[];
  /** More of the `environments` config. */
  environments?: JsonObject;
  /** More top-level config. */
  config?: JsonObject;
  /** More features, such as the scaffolder or a recording logger. */
  extraFeatures?: any[];
}): Promise<string> {
  const decide = (permission: string) =>
    options.refuse?.includes(permission)
      ? AuthorizeResult.DENY
      : AuthorizeResult.ALLOW;
  const { server } = await startTestBackend({
    features: [
      environmentsPlugin,
      environmentsModuleAws,
      environmentsModuleKubernetes,
      catalogServiceMock.factory({ entities: options.entities }),
      mockServices.permissions.mock({
        authorize: async requests =>
          requests.map(r => ({ result: decide(r.permission.name) })),
        authorizeConditional: async requests =>
          requests.map(r => ({ result: decide(r.permission.name) })) as any,
      }).factory,
      schedulerServiceFactory,
      mockServices.rootConfig.factory({
        data: {
          ...options.config,
          environments: {
            engine: { intervalSeconds: 1 },
            aws: { endpoint: options.sandbox.url },
            ...options.environments,
          },
          aws: {
            mainAccount: {
              accessKeyId: `${options.name}-key`,
              secretAccessKey: `${options.name}-secret-key`,
            },
          },
        },
      }),
      ...(options.extraFeatures ?? []),
    ],
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return `http://localhost:${port}`;
}
