/*
 * Scaffolder task recovery: the example backend runs the hand-written
 * software template (debug:log, then env:create-ecs) with
 * `scaffolder.taskRecovery` on. The backend is SIGKILLed while the action
 * waits for the environment, then started again. The scaffolder notices the
 * stale task, runs it again, and the action's checkpoint hands back the
 * environment the first run made: the task completes with the endpoint and
 * there is exactly one environment and one set of stacks.
 */
import path from 'node:path';
import { REPO_ROOT } from './harness/backendProcess';
import { waitFor } from '@envkit/plugin-environments-node/testUtils';
import { EnvironmentsClient, printFigures } from './harness/api';
import { useSandboxBackend } from './harness/sandboxBackend';
import { duplicates, ENV_TAG } from './harness/sandbox';

const ENV_TEMPLATE = 'environmenttemplate:default/ecs-web-service';
const SOFTWARE_TEMPLATE = 'template:default/create-ecs-environment';
const NAME = 'recover-web';
// The action's log line once its checkpointed create has an environment id.
const REQUESTED = `Environment '${NAME}' (`;
// Realistic timings, eight times faster: the environment takes about a
// minute, so the kill lands while the action is still waiting.
const CLOCK = 8;

jest.setTimeout(6 * 60_000);

interface TaskEvent {
  type: string;
  body: { message?: string; output?: any; recoverStrategy?: string };
}

describe('scaffolder task recovery', () => {
  // SQLite files: the task and its checkpoints outlive the process.
  const harness = useSandboxBackend('task-recovery', {
    sandbox: { profile: 'realistic', clockMultiplier: CLOCK },
    backend: {
      extraLocations: [
        {
          target: path.join(REPO_ROOT, 'examples/components.yaml'),
          rules: [{ allow: ['Component', 'System', 'API'] }],
        },
        {
          target: path.join(
            REPO_ROOT,
            'examples/templates/create-ecs-environment.yaml',
          ),
          rules: [{ allow: ['Template'] }],
        },
      ],
      extraConfig: {
        scaffolder: {
          // As app-config.yaml has it, with a short stale timeout so the
          // suite does not wait the default 30 s.
          taskRecovery: { enabled: true, staleTimeout: { seconds: 3 } },
        },
      },
    },
  });
  // Caches one guest token per backend start; used for every API below.
  const client = new EnvironmentsClient(() => [harness.backend]);

  async function scaffolder<T = any>(
    method: string,
    route: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    const { backend } = harness;
    const token = await client.token(backend);
    const res = await fetch(`${backend.url}/api/scaffolder/v2${route}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as T };
  }

  const events = async (taskId: string) =>
    (await scaffolder<TaskEvent[]>('GET', `/tasks/${taskId}/events`)).body;
  const messages = (list: TaskEvent[]) =>
    list.filter(e => e.type === 'log').map(e => String(e.body.message));

  it('ends with exactly one environment after the backend is killed while the task waits', async () => {
    const { sandbox, backend } = harness;
    const { controls } = sandbox;
    await backend.start([ENV_TEMPLATE]);

    // The software template reaches the catalog from a file location.
    await waitFor(
      'the software template in the catalog',
      async () => {
        const token = await client.token(backend);
        const res = await fetch(
          `${backend.url}/api/catalog/entities/by-name/template/default/create-ecs-environment`,
          { headers: { Authorization: `Bearer ${token}` } },
        );
        return res.ok ? true : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );

    const created = await scaffolder<{ id: string }>('POST', '/tasks', {
      templateRef: SOFTWARE_TEMPLATE,
      values: {
        name: NAME,
        imageLocation: 'public.ecr.aws/nginx/nginx:1.27',
        containerPort: 80,
        component: 'component:default/storefront-web',
        ttl: 'PT8H',
      },
    });
    expect(created.status).toBe(201);
    const taskId = created.body.id;

    // Past the checkpointed create, waiting for the environment.
    const requested = await waitFor(
      'the action to create the environment and start waiting',
      async () =>
        messages(await events(taskId)).find(m => m.includes(REQUESTED)),
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    const [environment] = await client.all();
    expect(environment.spec.name).toBe(NAME);
    // Kill once the engine is building it, so both the task and the
    // provisioning have to pick up where they were.
    const stacksAtKill = await waitFor(
      'the first stack of the environment',
      async () => {
        const stacks = controls.inventory({
          key: ENV_TAG,
          value: environment.id,
        });
        return stacks.length > 0 ? stacks.length : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 100 },
    );
    const phaseAtKill = (await client.get(environment.id)).status.phase;
    expect(phaseAtKill).not.toBe('Ready');

    await backend.kill();
    client.forget(backend);

    // Started again: the recovery loop finds the task stale and runs it.
    await backend.start([ENV_TEMPLATE]);
    const task = await waitFor(
      'the recovered task to finish',
      async () => {
        const res = await scaffolder<{ status: string }>(
          'GET',
          `/tasks/${taskId}`,
        );
        return ['completed', 'failed', 'cancelled'].includes(res.body.status)
          ? res.body
          : undefined;
      },
      { timeoutMs: 4 * 60_000, intervalMs: 1000 },
    );
    const log = await events(taskId);
    if (task.status !== 'completed') {
      // eslint-disable-next-line no-console
      console.log(messages(log).join('\n'));
    }
    expect(task.status).toBe('completed');

    // The scaffolder recovered it, and the second run reused the first
    // run's environment through the checkpoint.
    expect(log.some(e => e.type === 'recovered')).toBe(true);
    const requestedLines = messages(log).filter(m => m.includes(REQUESTED));
    // Once per run, naming the same environment id both times.
    expect(requestedLines).toHaveLength(2);
    expect(new Set(requestedLines).size).toBe(1);
    expect(requestedLines[0]).toBe(requested);

    // The task's output carries the endpoint of the one environment.
    const completion = log.find(e => e.type === 'completion');
    const links: { url?: string; entityRef?: string }[] =
      completion?.body.output?.links ?? [];
    const endpoint = links.find(l => l.url)?.url;
    expect(endpoint).toMatch(/^http:\/\/.+/);

    const all = await client.all();
    expect(all.map(e => e.spec.name)).toEqual([NAME]);
    expect(all[0].id).toBe(environment.id);
    expect(all[0].status.phase).toBe('Ready');
    expect(all[0].status.outputs.endpoint).toBe(endpoint);

    const stacks = controls.inventory({
      key: ENV_TAG,
      value: environment.id,
    });
    expect(stacks).toHaveLength(2);
    expect(duplicates(stacks)).toEqual([]);
    expect(controls.callCount('cloudformation', 'CreateStack')).toBe(2);

    printFigures('scaffolder task recovery (SIGKILL while waiting)', {
      'phase at kill': phaseAtKill,
      'stacks at kill': stacksAtKill,
      'task status': task.status,
      'recovered events': log.filter(e => e.type === 'recovered').length,
      'environments named recover-web': all.length,
      'CreateStack calls': controls.callCount('cloudformation', 'CreateStack'),
      endpoint: endpoint ?? '-',
    });
  });
});
