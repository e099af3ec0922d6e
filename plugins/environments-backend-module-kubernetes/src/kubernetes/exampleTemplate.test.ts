import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import {
  interpolate,
  resolveInputs,
  validateEnvironmentTemplate,
} from '@envkit/plugin-environments-common';
import { secretParametersOf } from '@envkit/plugin-environments-node';
import { untilSettled } from '@envkit/plugin-environments-node/testUtils';
import {
  paths,
  sandboxDriver,
  testContext,
  testEnvironment,
} from './__testUtils__/fixtures';
import { useSandboxSuite } from './__testUtils__/sandboxSuite';

jest.setTimeout(30_000);

const TEMPLATE_PATH = resolve(
  __dirname,
  '../../../../examples/templates/dev-namespace.yaml',
);

function loadTemplate(path = TEMPLATE_PATH) {
  return validateEnvironmentTemplate(parse(readFileSync(path, 'utf8')), {
    knownDrivers: ['kubernetes-namespace', 'aws-cloudformation'],
  });
}

/** The namespace resource as the engine would hand it to the driver. */
function renderResource(
  inputs: Record<string, unknown>,
  owner: string,
  path = TEMPLATE_PATH,
) {
  const template = loadTemplate(path);
  const environment = testEnvironment({ name: 'demo', owner });
  const [resource] = template.spec.resources;
  const parameters = interpolate(resource.parameters ?? {}, {
    inputs: resolveInputs(template.spec, inputs),
    environment,
    resources: {},
  });
  const secretParameters = secretParametersOf(template.spec, resource);
  return {
    environment,
    resource: {
      name: resource.name,
      driver: resource.driver,
      parameters,
      ...(secretParameters ? { secretParameters } : {}),
    },
  };
}

describe('examples/templates/dev-namespace.yaml', () => {
  const suite = useSandboxSuite();

  it('is a valid EnvironmentTemplate on the kubernetes-namespace driver', () => {
    const template = loadTemplate();
    expect(template.metadata.name).toBe('dev-namespace');
    expect(template.spec).toMatchObject({
      type: 'namespace',
      version: '1.1.0',
      owner: 'group:default/platform-team',
      guardrails: {
        ttl: { default: 'PT8H', max: 'P7D' },
        maxEnvironmentsPerOwner: 3,
      },
    });
    expect(template.spec.resources.map(r => r.driver)).toEqual([
      'kubernetes-namespace',
    ]);
    expect(Object.keys(template.spec.outputs).sort()).toEqual([
      'cluster',
      'endpoint',
      'namespace',
    ]);
    expect(() => resolveInputs(template.spec, { quotaSize: 'huge' })).toThrow(
      /quotaSize/,
    );
  });

  it('renders parameters the driver accepts, with and without an image', async () => {
    const driver = sandboxDriver(suite.sandbox);
    for (const inputs of [
      {},
      { image: 'nginx:1.27', containerPort: 80, quotaSize: 'large' },
    ]) {
      const { environment, resource } = renderResource(
        inputs,
        'group:default/team-storefront',
      );
      await expect(
        driver.validate(resource, testContext(environment)),
      ).resolves.toEqual([]);
    }
  });

  it('provisions a namespace with a running image in the sandbox', async () => {
    const driver = sandboxDriver(suite.sandbox);
    const { environment, resource } = renderResource(
      { image: 'nginx:1.27', containerPort: 80, quotaSize: 'medium' },
      'group:default/team-storefront',
    );
    const { last } = await untilSettled(() =>
      driver.apply(resource, testContext(environment)),
    );
    expect(last).toMatchObject({
      status: 'Ready',
      outputs: { quota: 'cpu=4, memory=8Gi, pods=20' },
    });
    const page = await fetch(last.outputs!.endpoint);
    expect(await page.text()).toContain('nginx:1.27');
  });

  it('hands the optional password to the container through a Secret, and only when given', async () => {
    const driver = sandboxDriver(suite.sandbox);
    const password = 'correct horse battery staple';
    const { environment, resource } = renderResource(
      { image: 'nginx:1.27', containerPort: 80, databasePassword: password },
      'group:default/team-storefront',
    );
    expect(resource.secretParameters).toEqual([
      'workload.secretEnv.DATABASE_PASSWORD',
    ]);
    const ctx = testContext(environment);
    await expect(driver.validate(resource, ctx)).resolves.toEqual([]);
    const { last } = await untilSettled(() => driver.apply(resource, ctx));
    expect(JSON.stringify(last)).not.toContain(password);
    const namespace = last.outputs!.namespace;
    const { admin } = suite;
    const secret = await admin.get(
      `/api/v1/namespaces/${namespace}/secrets/workload-env`,
    );
    expect(secret.data).toEqual({
      DATABASE_PASSWORD: Buffer.from(password).toString('base64'),
    });
    const deployment = await admin.get(paths(namespace).deployment);
    expect(deployment.spec.template.spec.containers[0].env).toEqual([
      {
        name: 'DATABASE_PASSWORD',
        valueFrom: {
          secretKeyRef: { name: 'workload-env', key: 'DATABASE_PASSWORD' },
        },
      },
    ]);

    // Without a password the variable and the Secret are left out.
    const without = renderResource(
      { image: 'nginx:1.27', containerPort: 80 },
      'group:default/team-storefront',
    );
    expect(without.resource.parameters).toMatchObject({
      workload: { secretEnv: { DATABASE_PASSWORD: '' } },
    });
    const plain = await untilSettled(() =>
      driver.apply(without.resource, testContext(without.environment)),
    );
    expect(
      await admin.get(
        `/api/v1/namespaces/${
          plain.last.outputs!.namespace
        }/secrets/workload-env`,
      ),
    ).toBeUndefined();
  });
});

describe('examples/templates/office-hours-namespace.yaml', () => {
  const suite = useSandboxSuite();
  const path = resolve(TEMPLATE_PATH, '../office-hours-namespace.yaml');

  it('is a valid template whose schedule keeps weekday office hours in Berlin', async () => {
    const template = loadTemplate(path);
    expect(template.spec.guardrails?.schedule).toEqual({
      timeZone: 'Europe/Berlin',
      awake: [
        {
          days: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'],
          from: '07:00',
          to: '20:00',
        },
      ],
    });
    const { environment, resource } = renderResource(
      {},
      'group:default/team-storefront',
      path,
    );
    await expect(
      sandboxDriver(suite.sandbox).validate(resource, testContext(environment)),
    ).resolves.toEqual([]);
  });
});
