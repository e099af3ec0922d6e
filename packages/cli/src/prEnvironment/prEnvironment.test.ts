/*
 * The GitHub Action's script, `envkitctl pr-environment`, run as the action
 * runs it: with the variables a runner sets and the pull_request payload
 * files of a pull request's life (opened, synchronize with a new commit,
 * closed), against the example backend and the cloud sandbox.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import yaml from 'yaml';
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { startSandbox, type Sandbox } from '@envkit/cloud-sandbox';
import {
  CiPrincipal,
  runCli,
  startExampleBackend,
} from '../__testUtils__/exampleBackend';

jest.setTimeout(180_000);

const ci: CiPrincipal = {
  subject: 'github-actions-storefront',
  token: 'github-actions-static-token',
  templates: ['ecs-web-service'],
  owners: ['group:default/team-storefront'],
};

const fixture = (action: string) =>
  path.join(__dirname, '__fixtures__', `pull_request.${action}.json`);
const headSha = (action: string) =>
  JSON.parse(fs.readFileSync(fixture(action), 'utf8')).pull_request.head.sha;

/** Step outputs as a runner reads them from the GITHUB_OUTPUT file. */
function readStepOutputs(file: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([\w-]+)<<(.+)$/.exec(lines[i]);
    if (!heredoc) continue;
    const end = lines.indexOf(heredoc[2], i + 1);
    if (end < 0) throw new Error(`${heredoc[1]} has no closing delimiter`);
    outputs[heredoc[1]] = lines.slice(i + 1, end).join('\n');
    i = end;
  }
  return outputs;
}

describe('envkitctl pr-environment', () => {
  let sandbox: Sandbox;
  let url: string;
  let tmp: string;
  let ecs: ECSClient;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, profile: 'fast' });
    url = await startExampleBackend({ sandbox, principals: [ci] });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pr-environment-'));
    ecs = new ECSClient({
      endpoint: sandbox.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
  });

  afterAll(async () => {
    // Its kept-alive connections would hold the sandbox's server open.
    ecs.destroy();
    await sandbox.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** One workflow run for `action`, as the composite action invokes it. */
  async function runAction(action: string, image?: string) {
    const output = path.join(tmp, `${action}.output`);
    fs.writeFileSync(output, '');
    const run = await runCli(
      [
        'pr-environment',
        '--template',
        'ecs-web-service',
        '--owner',
        'group:default/team-storefront',
        '--input',
        'containerPort=80',
        ...(image ? ['--image', image] : []),
        '--poll-interval',
        '200ms',
        '--timeout',
        '2m',
        '--output',
        'json',
      ],
      {
        ENVKIT_URL: url,
        ENVKIT_TOKEN: ci.token,
        HOME: tmp,
        GITHUB_ACTIONS: 'true',
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: fixture(action),
        GITHUB_OUTPUT: output,
        GITHUB_REPOSITORY: 'acme-shop/storefront-web',
        GITHUB_RUN_ID: `${action}-run`,
      },
    );
    return { ...run, outputs: readStepOutputs(output) };
  }

  /** The ECS service's deployments, newest (primary) first. */
  async function deploymentsOf(outputs: Record<string, string>) {
    const { services } = await ecs.send(
      new DescribeServicesCommand({
        cluster: outputs.cluster,
        services: [outputs.service],
      }),
    );
    return services![0].deployments!.map(d => ({
      id: d.id,
      taskDefinition: d.taskDefinition,
      rolloutState: d.rolloutState,
    }));
  }

  /** The page the sandbox serves at an endpoint: it names the running image. */
  async function pageAt(endpoint: string) {
    const res = await fetch(
      sandbox.controls.endpointUrlFor(endpoint.replace('http://', '')),
    );
    return res.text();
  }

  const image = (action: string) =>
    `ghcr.io/acme-shop/storefront-web:${headSha(action)}`;

  it('opened, synchronize, closed: creates pr-<number>, rolls the new image out to the same environment, destroys it', async () => {
    // opened: the environment is created and its endpoint is a step output.
    const opened = await runAction('opened', image('opened'));
    expect(opened.stderr).toContain('Creating pr-1347');
    expect(opened.code).toBe(0);
    expect(opened.outputs).toMatchObject({
      'environment-name': 'pr-1347',
      change: 'created',
      phase: 'Ready',
      endpoint: expect.stringMatching(/^http:\/\/.+\.elb\.amazonaws\.com$/),
    });
    const id = opened.outputs['environment-id'];
    expect(opened.outputs['comment-body']).toContain(
      '<!-- envkit-pr-environment: pr-1347 -->',
    );
    expect(opened.outputs['comment-body']).toContain(
      `| Endpoint | ${opened.outputs.endpoint} |`,
    );
    const environment = JSON.parse(opened.stdout);
    expect(await pageAt(opened.outputs.endpoint)).toContain(image('opened'));
    const [first] = await deploymentsOf(environment.outputs);

    // synchronize: a new commit's image goes to the same environment as a
    // new ECS deployment.
    const synchronized = await runAction('synchronize', image('synchronize'));
    expect(synchronized.code).toBe(0);
    expect(synchronized.outputs).toMatchObject({
      'environment-id': id,
      'environment-name': 'pr-1347',
      change: 'updated',
      phase: 'Ready',
      endpoint: opened.outputs.endpoint,
    });
    expect(synchronized.outputs['comment-body']).toContain(
      image('synchronize'),
    );
    const [primary] = await deploymentsOf(environment.outputs);
    expect(primary.id).not.toBe(first.id);
    expect(primary.taskDefinition).not.toBe(first.taskDefinition);
    expect(primary.rolloutState).toBe('COMPLETED');
    expect(await pageAt(opened.outputs.endpoint)).toContain(
      image('synchronize'),
    );

    // closed: destroyed, and nothing of it is left in the sandbox.
    const closed = await runAction('closed');
    expect(closed.code).toBe(0);
    expect(closed.outputs).toMatchObject({
      'environment-id': id,
      change: 'destroyed',
      phase: 'Destroyed',
    });
    expect(closed.outputs['comment-body']).toContain('was destroyed');
    expect(
      sandbox.controls.inventory({ key: 'envkit:environment', value: id }),
    ).toEqual([]);

    // Closing again finds nothing to destroy and says so.
    const again = await runAction('closed');
    expect(again.code).toBe(0);
    expect(again.outputs.change).toBe('absent');
  });

  it('refuses an event that is not a pull request, naming the variable', async () => {
    const run = await runCli(
      ['pr-environment', '--template', 'ecs-web-service'],
      {
        ENVKIT_URL: url,
        ENVKIT_TOKEN: ci.token,
        GITHUB_EVENT_NAME: 'push',
        GITHUB_EVENT_PATH: fixture('opened'),
      },
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: GITHUB_EVENT_NAME: 'push'/m);
  });

  it("the composite action's step runs envkitctl with the action's inputs", async () => {
    const repoRoot = path.resolve(__dirname, '../../../..');
    const action = yaml.parse(
      fs.readFileSync(
        path.join(repoRoot, 'actions/pr-environment/action.yml'),
        'utf8',
      ),
    );
    const step = action.runs.steps.find((s: any) => s.id === 'run');
    const given: Record<string, string> = {
      'backend-url': url,
      token: ci.token,
      template: 'ecs-web-service',
      owner: 'group:default/team-storefront',
      'name-prefix': 'preview-',
      // The CLI from this checkout, instead of the npm package.
      envkitctl: `${process.execPath} ${path.join(
        repoRoot,
        'packages/cli/bin/envkitctl',
      )}`,
    };
    // What the runner does with `${{ inputs.* }}`: the given value, else
    // the input's default.
    const stepEnv = Object.fromEntries(
      Object.entries(step.env as Record<string, string>).map(([k, v]) => [
        k,
        v.replace(
          /\$\{\{ inputs\.([\w-]+) \}\}/g,
          (_, name) => given[name] ?? action.inputs[name]?.default ?? '',
        ),
      ]),
    );
    const output = path.join(tmp, 'action.output');
    fs.writeFileSync(output, '');
    // Closing a pull request that has no environment: nothing to destroy,
    // and every output still written.
    await promisify(execFile)('bash', ['-e', '-c', step.run], {
      env: {
        PATH: process.env.PATH,
        HOME: tmp,
        ...stepEnv,
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: fixture('closed'),
        GITHUB_OUTPUT: output,
      },
    });
    expect(readStepOutputs(output)).toMatchObject({
      'environment-name': 'preview-1347',
      change: 'absent',
      'comment-body': expect.stringContaining('nothing to destroy'),
    });
  });
});
