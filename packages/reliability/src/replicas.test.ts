/*
 * Replicas: three backend processes on one PostgreSQL, 100 environments
 * created through all three, one replica killed half-way. Every environment
 * must become Ready and every stack must be created exactly once.
 */
import { startSandbox, Sandbox } from '@envkit/cloud-sandbox';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  BackendProcess,
  freePort,
  makeSecrets,
} from './harness/backendProcess';
import { waitFor } from '@envkit/plugin-environments-node/testUtils';
import { EnvironmentsClient, printFigures } from './harness/api';
import { LogSink } from './harness/logs';
import { dropDatabases, postgresConnection } from './harness/postgres';
import { duplicates, ENV_TAG } from './harness/sandbox';

const TEMPLATE = 'environmenttemplate:default/reliability-stack';
const COUNT = 100;
const CONCURRENCY = 8;

jest.setTimeout(6 * 60_000);

describe('several replicas on one PostgreSQL', () => {
  let sandbox: Sandbox;
  let logs: LogSink;
  const replicas: BackendProcess[] = [];
  const prefix = `envkit_rel_${randomBytes(4).toString('hex')}_`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'envkit-rel-replicas-'));

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, profile: 'fast' });
    logs = new LogSink(path.join(dir, 'backends.log'));
    const secrets = makeSecrets();
    Object.values(secrets).forEach(s => logs.addSecret(s));
    for (const name of ['replica-a', 'replica-b', 'replica-c']) {
      replicas.push(
        new BackendProcess({
          name,
          port: await freePort(),
          sandboxUrl: sandbox.url,
          database: {
            client: 'pg',
            connection: postgresConnection(),
            prefix,
          },
          secrets,
          logs,
        }),
      );
    }
  });

  afterAll(async () => {
    await Promise.all(replicas.map(r => r.stop()));
    await sandbox?.stop();
    logs?.close();
    await dropDatabases(prefix);
  });

  it('creates 100 environments across three replicas, one killed mid-way, each stack exactly once', async () => {
    const started = Date.now();
    // The first replica migrates the databases; the others then start together.
    await replicas[0].start([TEMPLATE]);
    await Promise.all(replicas.slice(1).map(r => r.start([TEMPLATE])));
    const startupSeconds = (Date.now() - started) / 1000;

    const alive = new Set(replicas);
    const client = new EnvironmentsClient(() => [...alive]);
    const ids: string[] = [];
    const createdBy = new Map<string, number>();
    let killedAt = -1;
    let next = 0;
    let retried = 0;

    const worker = async () => {
      while (next < COUNT) {
        const i = next++;
        if (i === COUNT / 2 && killedAt < 0) {
          killedAt = i;
          alive.delete(replicas[1]);
          await replicas[1].kill();
        }
        // A request in flight to the killed replica fails on the socket; the
        // caller retries on another replica with the same Idempotency-Key,
        // as a load balancer's client would.
        let res;
        let target: BackendProcess | undefined;
        for (let attempt = 0; !res; attempt++) {
          const targets = [...alive];
          target = targets[(i + attempt) % targets.length];
          try {
            res = await client.on(
              target,
              'POST',
              '/environments',
              {
                name: `rep-${String(i).padStart(3, '0')}`,
                templateRef: TEMPLATE,
              },
              { 'Idempotency-Key': `replicas-${i}` },
            );
          } catch (error) {
            retried += 1;
            if (attempt > 5) throw error;
          }
        }
        if (res.status !== 202) {
          throw new Error(
            `create ${i}: ${res.status} ${JSON.stringify(res.body)}`,
          );
        }
        target = target!;
        ids.push(res.body.id);
        createdBy.set(
          target.options.name,
          (createdBy.get(target.options.name) ?? 0) + 1,
        );
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const createdSeconds = (Date.now() - started) / 1000;

    const phases = await waitFor(
      'every environment Ready',
      async () => {
        const items = await client.all();
        const count: Record<string, number> = {};
        for (const e of items) {
          count[e.status.phase] = (count[e.status.phase] ?? 0) + 1;
        }
        if (count.Failed) {
          const failed = items.find(e => e.status.phase === 'Failed');
          throw new Error(
            `Failed: ${JSON.stringify(failed?.status.lastError)}`,
          );
        }
        return count.Ready === COUNT ? count : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 500 },
    );
    const readySeconds = (Date.now() - started) / 1000;

    const stacks = sandbox.controls.inventory({ key: ENV_TAG });
    const createStack = sandbox.controls.callCount(
      'cloudformation',
      'CreateStack',
    );
    const perEnvironment = new Map<string, number>();
    for (const s of stacks) {
      perEnvironment.set(
        s.tags[ENV_TAG],
        (perEnvironment.get(s.tags[ENV_TAG]) ?? 0) + 1,
      );
    }
    const leaks = logs.leaks();

    printFigures('replicas (3 on PostgreSQL, one SIGKILLed after 50 creates)', {
      environments: COUNT,
      'created via replica-a/b/c': ['replica-a', 'replica-b', 'replica-c']
        .map(n => createdBy.get(n) ?? 0)
        .join('/'),
      'replica-b killed after create #': killedAt,
      'creates retried on another replica': retried,
      Ready: phases.Ready ?? 0,
      'stacks expected': COUNT,
      'stacks in sandbox': stacks.length,
      'CreateStack calls': createStack,
      'duplicate stacks': duplicates(stacks).length,
      'environments without exactly one stack': ids.filter(
        id => perEnvironment.get(id) !== 1,
      ).length,
      'start-up of 3 replicas (s)': startupSeconds.toFixed(0),
      'all created at (s)': createdSeconds.toFixed(0),
      'all Ready at (s)': readySeconds.toFixed(0),
      'error log lines': logs.byLevel('error').length,
      'log lines scanned': logs.lines.length,
      'secret leaks in logs': leaks.length,
    });

    expect(ids).toHaveLength(COUNT);
    expect(phases.Ready).toBe(COUNT);
    expect(stacks).toHaveLength(COUNT);
    expect(duplicates(stacks)).toEqual([]);
    expect(ids.filter(id => perEnvironment.get(id) !== 1)).toEqual([]);
    expect(createStack).toBe(COUNT);
    expect(leaks.map(l => `${l.what}: ${l.line.text.slice(0, 200)}`)).toEqual(
      [],
    );
  });
});
