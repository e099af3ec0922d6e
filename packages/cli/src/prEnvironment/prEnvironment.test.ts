/*
 * The GitHub Action, run as a runner runs it: the composite action's step
 * (action.yml's `run`, which calls pr-environment.sh) with its `env` filled
 * from the action's inputs, the variables a runner sets (GITHUB_EVENT_NAME,
 * GITHUB_EVENT_PATH, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_ACTION_PATH,
 * …) and the pull_request payload files of a pull request's life (opened,
 * synchronize with a new commit, closed), against the example app as
 * `./envkit start` runs it. envkitctl comes from this checkout, as it does
 * for a workflow that uses the action from the repository.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'yaml';
import { describeService } from '@envkit/cloud-sandbox';
import {
  CiPrincipal,
  REPO_ROOT,
  stacksOf,
  useExampleApp,
} from '../__testUtils__/exampleApp';

jest.setTimeout(180_000);

const ci: CiPrincipal = {
  subject: 'github-actions-storefront',
  token: 'github-actions-static-token',
  templates: ['ecs-web-service'],
  owners: ['group:default/team-storefront'],
};

const ACTION_DIR = path.join(REPO_ROOT, 'actions/pr-environment');
const action = yaml.parse(
  fs.readFileSync(path.join(ACTION_DIR, 'action.yml'), 'utf8'),
);
const step = action.runs.steps.find((s: any) => s.id === 'run');

const fixture = (event: string) =>
  path.join(__dirname, '__fixtures__', `pull_request.${event}.json`);
const headSha = (event: string) =>
  JSON.parse(fs.readFileSync(fixture(event), 'utf8')).pull_request.head.sha;

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

describe('the pr-environment GitHub Action', () => {
  const app = useExampleApp('pr-action', { principals: [ci] });
  let tmp: string;

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pr-environment-'));
  });

  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  /**
   * One workflow run for the pull_request `event`, with the action's
   * `inputs`: the step's env as the runner fills `${{ inputs.* }}` (the
   * given value, else the input's default), then its `run` through bash.
   */
  async function runAction(event: string, inputs: Record<string, string>) {
    const given: Record<string, string> = {
      'backend-url': app.url,
      token: ci.token,
      template: 'ecs-web-service',
      owner: 'group:default/team-storefront',
      'poll-interval': '200ms',
      timeout: '2m',
      ...inputs,
    };
    const stepEnv = Object.fromEntries(
      Object.entries(step.env as Record<string, string>).map(([k, v]) => [
        k,
        v.replace(
          /\$\{\{ inputs\.([\w-]+) \}\}/g,
          (_, name) => given[name] ?? action.inputs[name]?.default ?? '',
        ),
      ]),
    );
    const run = path.join(tmp, `${event}-${Date.now()}`);
    fs.mkdirSync(run);
    const files = {
      GITHUB_OUTPUT: path.join(run, 'output'),
      GITHUB_STEP_SUMMARY: path.join(run, 'summary.md'),
      GITHUB_ENV: path.join(run, 'env'),
    };
    Object.values(files).forEach(f => fs.writeFileSync(f, ''));
    const result = await new Promise<{
      code: number;
      stdout: string;
      stderr: string;
    }>(resolve =>
      execFile(
        'bash',
        ['-e', '-c', step.run],
        {
          cwd: run,
          env: {
            PATH: process.env.PATH,
            HOME: tmp,
            ...stepEnv,
            CI: 'true',
            GITHUB_ACTIONS: 'true',
            GITHUB_ACTION_PATH: ACTION_DIR,
            GITHUB_WORKSPACE: run,
            GITHUB_EVENT_NAME: 'pull_request',
            GITHUB_EVENT_PATH: fixture(event),
            GITHUB_REPOSITORY: 'acme-shop/storefront-web',
            GITHUB_RUN_ID: `${event}-run`,
            ...files,
          },
        },
        (error, stdout, stderr) =>
          resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
      ),
    );
    return {
      ...result,
      outputs: readStepOutputs(files.GITHUB_OUTPUT),
      summary: fs.readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
    };
  }

  /** The ECS service's deployments by the real AWS CLI, newest first. */
  async function deploymentsOf(cluster: string, service: string) {
    const { deployments } = await describeService(
      app.sandbox,
      cluster,
      service,
    );
    return deployments.map((d: any) => ({
      id: d.id,
      status: d.status,
      taskDefinition: d.taskDefinition,
      rolloutState: d.rolloutState,
    }));
  }

  /** The page the sandbox serves at an endpoint: it names the running image. */
  async function pageAt(endpoint: string) {
    const res = await fetch(
      app.sandbox.controls.endpointUrlFor(endpoint.replace('http://', '')),
    );
    return res.text();
  }

  const image = (event: string) =>
    `ghcr.io/acme-shop/storefront-web:${headSha(event)}`;

  it('opened, synchronize, closed: creates pr-<number>, rolls the new image out to the same environment, destroys it', async () => {
    const inputsFile = path.join(tmp, 'inputs.yaml');
    fs.writeFileSync(inputsFile, 'containerPort: 80\n');

    // opened: the environment is created and its endpoint is a step output.
    const opened = await runAction('opened', {
      image: image('opened'),
      'inputs-file': inputsFile,
    });
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
    expect(opened.summary).toContain(opened.outputs['comment-body']);
    expect(await pageAt(opened.outputs.endpoint)).toContain(image('opened'));
    // The step prints the environment as JSON, its outputs with it.
    const { cluster, service } = JSON.parse(opened.stdout).outputs;
    const [first] = await deploymentsOf(cluster, service);

    // synchronize: the new commit's image goes to the same environment as
    // a new ECS deployment.
    const synchronized = await runAction('synchronize', {
      image: image('synchronize'),
      'inputs-file': inputsFile,
    });
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
    const deployments = await deploymentsOf(cluster, service);
    expect(deployments[0]).toMatchObject({
      status: 'PRIMARY',
      rolloutState: 'COMPLETED',
    });
    expect(deployments[0].id).not.toBe(first.id);
    expect(deployments[0].taskDefinition).not.toBe(first.taskDefinition);
    expect(await pageAt(opened.outputs.endpoint)).toContain(
      image('synchronize'),
    );

    // closed: destroyed, and the real AWS CLI finds nothing of it.
    const closed = await runAction('closed', {});
    expect(closed.code).toBe(0);
    expect(closed.outputs).toMatchObject({
      'environment-id': id,
      change: 'destroyed',
      phase: 'Destroyed',
    });
    expect(closed.outputs['comment-body']).toContain('was destroyed');
    expect(closed.summary).toContain('was destroyed');
    expect(await stacksOf(app.sandbox, id)).toEqual([]);

    // Closing again finds nothing to destroy and says so.
    const again = await runAction('closed', { 'name-prefix': 'pr-' });
    expect(again.code).toBe(0);
    expect(again.outputs).toMatchObject({
      'environment-name': 'pr-1347',
      change: 'absent',
      'comment-body': expect.stringContaining('nothing to destroy'),
    });
  });

  it('refuses an event that is not a pull request, naming the variable', async () => {
    const push = await new Promise<{ code: number; stderr: string }>(resolve =>
      execFile(
        'bash',
        [path.join(ACTION_DIR, 'pr-environment.sh')],
        {
          env: {
            PATH: process.env.PATH,
            HOME: tmp,
            ENVKIT_URL: app.url,
            ENVKIT_TOKEN: ci.token,
            PR_TEMPLATE: 'ecs-web-service',
            PR_OWNER: 'group:default/team-storefront',
            GITHUB_EVENT_NAME: 'push',
            GITHUB_EVENT_PATH: fixture('opened'),
          },
        },
        (error, _stdout, stderr) =>
          resolve({ code: error ? Number(error.code) : 0, stderr }),
      ),
    );
    expect(push.code).toBe(2);
    expect(push.stderr).toMatch(/^error: GITHUB_EVENT_NAME: 'push'/m);
  });
});
