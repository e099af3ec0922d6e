import { randomUUID } from 'node:crypto';
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  createDriverContext,
  type DriverEnvironment,
  type DriverResource,
} from '@envkit/plugin-environments-node';
import {
  driverOutcome,
  untilSettled,
} from '@envkit/plugin-environments-node/testUtils';
import { namespaceResource } from './__testUtils__/fixtures';
import { kubectlGet } from './__testUtils__/kubectl';
import { sandboxScenario, useSandboxSuite } from './__testUtils__/sandboxSuite';

jest.setTimeout(60_000);

/** A logger that keeps every call, children's included, as text. */
function recordingLogger(lines: string[]): LoggerService {
  const make = (fields: unknown): LoggerService => {
    const log =
      (level: string) =>
      (message: string, meta?: Error | Record<string, unknown>) => {
        lines.push(
          `${level} ${message} ${JSON.stringify(meta ?? {})} ${String(
            meta instanceof Error ? meta.stack : '',
          )} ${JSON.stringify(fields)}`,
        );
      };
    return {
      error: log('error'),
      warn: log('warn'),
      info: log('info'),
      debug: log('debug'),
      child: meta => make({ ...(fields as object), ...meta }),
    };
  };
  return make({});
}

/** Everything a driver call left behind, as text to search. */
function recorder() {
  const seen: string[] = [];
  const keep = <T>(value: T): T => {
    seen.push(JSON.stringify(value));
    return value;
  };
  /** The result, the DriverFailure, or any other error, kept. */
  const keepOutcome = async (call: () => Promise<unknown>): Promise<any> => {
    try {
      return keep(await driverOutcome(call));
    } catch (error) {
      return keep({ thrown: String(error), stack: (error as Error).stack });
    }
  };
  return { seen, keep, keepOutcome };
}

const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** The forms a secret could leak in: as is, base64, and JSON-escaped. */
function leaksOf(secret: string): string[] {
  return [secret, base64(secret), JSON.stringify(secret).slice(1, -1)];
}

describe('KubernetesNamespaceDriver with secret inputs', () => {
  const suite = useSandboxSuite();

  function scenario(name: string) {
    const lines: string[] = [];
    const s = sandboxScenario(suite.sandbox, { name });
    const contextFor = (environment: DriverEnvironment) =>
      createDriverContext({
        environment,
        resource: 'namespace',
        logger: recordingLogger(lines),
      });
    return { ...s, lines, contextFor, ctx: contextFor(s.environment) };
  }

  it('keeps a secret input in a Secret the pods read, and out of every result and log line, through create, update and destroy', async () => {
    const { driver, ctx, namespace, at, lines } = scenario('secrets');
    const first = `pw-${randomUUID()}`;
    const second = `pw-${randomUUID()}`;
    const withSecret = (value: string): DriverResource => ({
      ...namespaceResource({
        workload: {
          image: 'ghcr.io/example/shop:1.4.2',
          port: 8080,
          secretEnv: { DB_PASSWORD: value, FEATURE_FLAGS: 'beta' },
        },
      }),
      secretParameters: ['workload.secretEnv.DB_PASSWORD'],
    });
    const { seen, keep, keepOutcome } = recorder();

    // Create.
    expect(keep(await driver.validate(withSecret(first), ctx))).toEqual([]);
    const plan = keep(await driver.plan(withSecret(first), ctx));
    expect(plan.actions.map(a => a.target)).toContain(
      'Secret/workload-env in cluster sandbox',
    );
    await untilSettled(() => driver.apply(withSecret(first), ctx).then(keep));
    const observed = keep(await driver.observe(withSecret(first), ctx));
    expect(observed).toMatchObject({
      status: 'Ready',
      details: { workload: { secretEnv: ['DB_PASSWORD', 'FEATURE_FLAGS'] } },
    });

    // The Secret holds the values, base64 as Kubernetes stores them.
    const secret = (
      await kubectlGet(suite.sandbox, namespace, ['secret', 'workload-env'])
    ).object;
    expect(secret).toMatchObject({
      type: 'Opaque',
      data: { DB_PASSWORD: base64(first), FEATURE_FLAGS: base64('beta') },
      metadata: {
        labels: {
          'app.kubernetes.io/managed-by': 'envkit',
          'envkit.io/environment': ctx.environment.id,
        },
      },
    });
    // The Deployment only refers to it.
    const created = await kubectlGet(suite.sandbox, namespace, [
      'deploy',
      'workload',
    ]);
    const [container] = created.object.spec.template.spec.containers;
    expect(container.env).toEqual([
      {
        name: 'DB_PASSWORD',
        valueFrom: {
          secretKeyRef: { name: 'workload-env', key: 'DB_PASSWORD' },
        },
      },
      {
        name: 'FEATURE_FLAGS',
        valueFrom: {
          secretKeyRef: { name: 'workload-env', key: 'FEATURE_FLAGS' },
        },
      },
    ]);
    for (const leak of leaksOf(first)) expect(created.text).not.toContain(leak);
    const checksum =
      created.object.spec.template.metadata.annotations[
        'envkit.io/secret-env-checksum'
      ];
    expect(checksum).toMatch(/^[0-9a-f]{64}$/);

    // Update: a new value updates the Secret and rolls the pods.
    keep(await driver.plan(withSecret(second), ctx));
    await untilSettled(() => driver.apply(withSecret(second), ctx).then(keep));
    keep(await driver.observe(withSecret(second), ctx));
    expect(
      (await kubectlGet(suite.sandbox, namespace, ['secret', 'workload-env']))
        .object.data.DB_PASSWORD,
    ).toBe(base64(second));
    const updated = await kubectlGet(suite.sandbox, namespace, [
      'deploy',
      'workload',
    ]);
    expect(updated.object.metadata.generation).toBe(
      created.object.metadata.generation + 1,
    );
    expect(
      updated.object.spec.template.metadata.annotations[
        'envkit.io/secret-env-checksum'
      ],
    ).not.toBe(checksum);
    expect(updated.object.status.updatedReplicas).toBe(1);
    for (const leak of leaksOf(second))
      expect(updated.text).not.toContain(leak);

    // Unchanged values change nothing.
    const version = updated.object.metadata.resourceVersion;
    await driver.apply(withSecret(second), ctx);
    expect(
      (await suite.admin.get(at.deployment)).metadata.resourceVersion,
    ).toBe(version);

    // Destroy.
    await untilSettled(() =>
      driver.destroy(withSecret(second), ctx).then(keep),
    );
    await keepOutcome(() => driver.observe(withSecret(second), ctx));

    expect(seen.length).toBeGreaterThan(5);
    expect(lines.length).toBeGreaterThan(0);
    for (const text of [...seen, ...lines]) {
      for (const leak of [...leaksOf(first), ...leaksOf(second)]) {
        expect(text).not.toContain(leak);
      }
    }
  });

  it('removes the Secret when the template stops passing secrets', async () => {
    const { driver, ctx, at } = scenario('secret-dropped');
    const workload = { image: 'nginx:1.27', port: 80 };
    await untilSettled(() =>
      driver.apply(
        namespaceResource({
          workload: { ...workload, secretEnv: { TOKEN: 'abc' } },
        }),
        ctx,
      ),
    );
    const secretPath = `${at.namespace}/secrets/workload-env`;
    expect(await suite.admin.get(secretPath)).toBeDefined();

    // An optional secret input left empty passes no variable at all.
    await untilSettled(() =>
      driver.apply(
        namespaceResource({
          workload: { ...workload, secretEnv: { TOKEN: '' } },
        }),
        ctx,
      ),
    );
    expect(await suite.admin.get(secretPath)).toBeUndefined();
    const deployment = await suite.admin.get(at.deployment);
    expect(deployment.spec.template.spec.containers[0].env).toBeUndefined();
    expect(
      deployment.spec.template.metadata.annotations?.[
        'envkit.io/secret-env-checksum'
      ],
    ).toBeUndefined();
  });

  it('refuses secret inputs anywhere but workload.secretEnv, naming the path and never the value', async () => {
    const { driver, ctx, at } = scenario('misplaced');
    const values = {
      quota: `q-${randomUUID()}`,
      group: `group:default/g-${randomUUID()}`,
      image: `img-${randomUUID()}`,
      cluster: `c-${randomUUID()}`,
      env: `e-${randomUUID()}`,
    };
    const resource: DriverResource = {
      ...namespaceResource({
        cluster: values.cluster,
        quota: { 'count/deployments.apps': values.quota },
        adminGroups: ['group:default/platform-team', values.group],
        workload: {
          image: values.image,
          port: 80,
          secretEnv: { API_KEY: values.env },
        },
      }),
      secretParameters: [
        'adminGroups[1]',
        'cluster',
        'quota.count/deployments.apps',
        'workload.image',
        'workload.secretEnv.API_KEY',
      ],
    };
    const { seen, keep, keepOutcome } = recorder();

    const problems = keep(await driver.validate(resource, ctx));
    expect(problems.map(p => p.path).sort()).toEqual([
      'parameters.adminGroups[1]',
      'parameters.cluster',
      'parameters.quota.count/deployments.apps',
      'parameters.workload.image',
    ]);
    for (const problem of problems) {
      expect(problem.message).toContain('secret');
      expect(problem.message).toContain('workload.secretEnv');
    }

    // Nothing is written, and every call says why without the values.
    const failed = await keepOutcome(() => driver.apply(resource, ctx));
    expect(failed).toMatchObject({
      status: 'Failed',
      kind: 'permanent',
      reason: 'InvalidParameters',
    });
    await keepOutcome(() => driver.plan(resource, ctx));
    await keepOutcome(() => driver.observe(resource, ctx));
    await keepOutcome(() => driver.destroy(resource, ctx));
    expect(await suite.admin.get(at.namespace)).toBeUndefined();

    for (const text of seen) {
      for (const value of Object.values(values)) {
        expect(text).not.toContain(value);
      }
    }
  });
});
