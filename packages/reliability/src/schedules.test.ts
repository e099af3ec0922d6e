/*
 * Sleep schedules against the sandbox, on a clock the test moves: the
 * lifecycle engine with both real drivers puts an ECS environment and a
 * namespace environment to sleep in the evening and wakes them in the
 * morning. The real `aws` sees the ECS service's desired count go to 0 and
 * back to 2 (through the stack's DesiredCount parameter), the real
 * `kubectl` sees the Deployment's replicas do the same, and the endpoint
 * pages answer "asleep" meanwhile.
 */
import fs from 'node:fs';
import path from 'node:path';
import { TestDatabases } from '@backstage/backend-test-utils';
import {
  describeService,
  kubectl,
  sandboxAwsCredentials,
  sandboxClusterConfig,
  startSandbox,
  type Sandbox,
} from '@envkit/cloud-sandbox';
import {
  EnvironmentPhase,
  EnvironmentSchedule,
  EnvironmentTemplateSpec,
  pendingEnvironmentStatus,
  resolveInputs,
} from '@envkit/plugin-environments-common';
import type { CompleteEnvironmentDriver } from '@envkit/plugin-environments-node';
import { CloudFormationDriver } from '@envkit/plugin-environments-backend-module-aws';
import { KubernetesNamespaceDriver } from '@envkit/plugin-environments-backend-module-kubernetes';
import { mockServices } from '@backstage/backend-test-utils';
import yaml from 'yaml';
// Deep imports, as the bench makes them: the backend package exports only
// its plugin, and the engine is what runs on a clock a test can move.
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import { LifecycleEngine } from '../../../plugins/environments-backend/src/engine/LifecycleEngine';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import { DatabaseEnvironmentStore } from '../../../plugins/environments-backend/src/database/DatabaseEnvironmentStore';

jest.setTimeout(300_000);

const root = path.resolve(__dirname, '../../..');
const templateSpec = (file: string): EnvironmentTemplateSpec =>
  yaml.parse(fs.readFileSync(path.join(root, file), 'utf8')).spec;

/** Weekdays 08:00-20:00 in Berlin. */
const weekdays: EnvironmentSchedule = {
  timeZone: 'Europe/Berlin',
  awake: [
    { days: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'], from: '08:00', to: '20:00' },
  ],
};

// Monday 7 December 2026 and the following night; Berlin is UTC+1.
const MONDAY_MORNING = Date.parse('2026-12-07T09:00:00+01:00');
const MONDAY_NIGHT = Date.parse('2026-12-07T21:00:00+01:00');
const TUESDAY_MORNING = Date.parse('2026-12-08T08:30:00+01:00');

describe('sleep schedules against the sandbox', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  let sandbox: Sandbox;
  let store: DatabaseEnvironmentStore;
  let drivers: Map<string, CompleteEnvironmentDriver>;
  /** The engine's clock runs this far ahead of the wall clock. */
  let offsetMs = 0;
  const setClock = (at: number) => {
    offsetMs = at - Date.now();
  };

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, profile: 'fast' });
    store = await DatabaseEnvironmentStore.create({
      database: mockServices.database.mock({
        getClient: async () => databases.init('SQLITE_3'),
      }),
    });
    const logger = mockServices.logger.mock();
    drivers = new Map<string, CompleteEnvironmentDriver>([
      [
        'aws-cloudformation',
        new CloudFormationDriver({
          logger,
          endpoint: sandbox.url,
          credentialsManager: sandboxAwsCredentials,
        }) as CompleteEnvironmentDriver,
      ],
      [
        'kubernetes-namespace',
        new KubernetesNamespaceDriver({
          logger,
          clusters: [sandboxClusterConfig(sandbox)],
        }) as CompleteEnvironmentDriver,
      ],
    ]);
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  /** A fresh engine each call: every sweep could be a restarted backend. */
  const engine = () =>
    new LifecycleEngine({
      store,
      drivers,
      logger: mockServices.logger.mock(),
      replicaId: `replica-${Math.random()}`,
      clock: () => new Date(Date.now() + offsetMs),
      timings: { progressIntervalMs: 0, observeIntervalMs: 0 },
    });

  const environmentsOf = (ids: string[]) =>
    Promise.all(ids.map(async id => (await store.getEnvironment(id))!));

  async function sweepUntil(ids: string[], phase: EnvironmentPhase) {
    for (let i = 0; i < 600; i++) {
      await engine().sweep();
      const envs = await environmentsOf(ids);
      if (envs.every(e => e.status.phase === phase)) return envs;
      await new Promise(resolve => setTimeout(resolve, 100));
    }
    const envs = await environmentsOf(ids);
    throw new Error(
      `never ${phase}: ${envs.map(e => e.status.phase).join(', ')}`,
    );
  }

  async function create(
    id: string,
    template: EnvironmentTemplateSpec,
    inputs: Record<string, unknown>,
  ) {
    await store.createEnvironment({
      id,
      createdBy: 'user:default/lena',
      spec: {
        name: id,
        templateRef: `environmenttemplate:default/${template.type}`,
        templateVersion: template.version,
        templateSnapshot: template,
        inputs: resolveInputs(template, inputs),
        owner: 'user:default/lena',
        schedule: weekdays,
        generation: 1,
      },
      status: pendingEnvironmentStatus(),
    });
  }

  /** What the real CLIs see: the ECS desired count and the Deployment's replicas. */
  async function counts(ecs: any, ns: any) {
    const service = await describeService(
      sandbox,
      ecs.status.outputs.cluster,
      ecs.status.outputs.service,
    );
    const out = await kubectl(sandbox, [
      'get',
      'deployment',
      '-n',
      ns.status.outputs.namespace,
      '-o',
      'json',
    ]);
    expect(out.code).toBe(0);
    const deployments = JSON.parse(out.stdout).items;
    return {
      desiredCount: service.desiredCount,
      replicas: deployments.map((d: any) => d.spec.replicas),
    };
  }

  /** The sandbox's page for an endpoint (an ALB name, or already its page). */
  const page = async (endpoint: string) => {
    const url = endpoint.includes('/_sandbox/endpoints/')
      ? endpoint
      : sandbox.controls.endpointUrlFor(new URL(endpoint).host);
    const res = await fetch(url);
    return { status: res.status, text: await res.text() };
  };

  it('scales to zero at night and back to the previous counts in the morning', async () => {
    const ecsTemplate = templateSpec('examples/templates/ecs-web-service.yaml');
    const service = ecsTemplate.resources.find(r => r.name === 'service')!;
    (service.parameters!.parameters as Record<string, string>).DesiredCount =
      '2';
    const nsTemplate = templateSpec('examples/templates/dev-namespace.yaml');
    (nsTemplate.resources[0].parameters!.workload as any).replicas = 2;

    /**
     * Sweeps until both environments are in `phase`, then checks that the
     * real CLIs see `count` tasks and replicas, and each endpoint's page.
     */
    const bothReach = async (
      phase: EnvironmentPhase,
      count: number,
      checkPage: (answer: { status: number; text: string }) => void,
    ) => {
      const [ecs, ns] = await sweepUntil(['sched-ecs', 'sched-ns'], phase);
      expect(await counts(ecs, ns)).toEqual({
        desiredCount: count,
        replicas: [count],
      });
      for (const env of [ecs, ns]) {
        checkPage(await page(env.status.outputs.endpoint));
      }
    };

    setClock(MONDAY_MORNING);
    await create('sched-ecs', ecsTemplate, {
      imageLocation: 'public.ecr.aws/nginx/nginx:1.27',
      containerPort: 80,
    });
    await create('sched-ns', nsTemplate, { image: 'nginx:1.27' });
    await bothReach('Ready', 2, first =>
      expect(first.text).toContain('nginx:1.27'),
    );

    setClock(MONDAY_NIGHT);
    await bothReach('Sleeping', 0, asleep => {
      expect(asleep.status).toBe(503);
      expect(asleep.text).toContain('asleep');
    });

    setClock(TUESDAY_MORNING);
    await bothReach('Ready', 2, awake => {
      expect(awake.status).toBe(200);
      expect(awake.text).not.toContain('asleep');
    });
  });
});
