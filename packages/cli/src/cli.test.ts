/*
 * envkitctl, run as a child process the way a CI job runs it, against the
 * example app as `./envkit start` runs it (the example backend as a child
 * process with the AWS driver on the cloud sandbox, real token
 * authentication and the example policy): a static external-access token
 * that the policy grants two templates and one owner.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CiPrincipal,
  ecsTemplateCopy,
  runEnvkitctl as runCli,
  stacksOf,
  useExampleApp,
} from './__testUtils__/exampleApp';

jest.setTimeout(180_000);

const storefrontCi: CiPrincipal = {
  subject: 'storefront-ci',
  token: 'storefront-ci-static-token',
  templates: ['ecs-web-service', 'ecs-with-secret', 'reliability-namespace'],
  owners: ['group:default/team-storefront'],
};

// One with a secret input, and one the principal is not granted.
const withSecret = ecsTemplateCopy('ecs-with-secret', {
  apiToken: { type: 'string', secret: true },
});
const notGranted = ecsTemplateCopy('ecs-payments');

describe('envkitctl', () => {
  const app = useExampleApp('cli', {
    principals: [storefrontCi],
    templates: [withSecret, notGranted],
  });
  let env: Record<string, string>;
  let tmp: string;

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'envkitctl-'));
    env = { ENVKIT_URL: app.url, ENVKIT_TOKEN: storefrontCi.token, HOME: tmp };
  });

  afterAll(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const cli = (...args: string[]) => runCli(args, env);
  /** Creates `name` from `template` with `inputs` for the granted owner. */
  const create = (
    name: string,
    template: string,
    inputs: Record<string, string>,
    ...more: string[]
  ) =>
    cli(
      'create',
      name,
      '--template',
      template,
      ...Object.entries(inputs).flatMap(([key, value]) => [
        '--input',
        `${key}=${value}`,
      ]),
      '--owner',
      'group:default/team-storefront',
      ...more,
    );
  const createWeb = (name: string, ...more: string[]) =>
    create(
      name,
      'ecs-web-service',
      { imageLocation: 'nginx:1.27', containerPort: '80' },
      ...more,
    );
  const fastWait = ['--wait', '--poll-interval', '200ms', '--timeout', '2m'];

  it('logs in with a backend URL and token, kept in a file only its user can read', async () => {
    const config = path.join(tmp, 'login', 'config.json');
    const login = await runCli(
      ['login', '--url', `${env.ENVKIT_URL}/`, '--token', storefrontCi.token],
      { HOME: tmp, ENVKIT_CONFIG: config },
    );
    expect(login.code).toBe(0);
    expect(fs.statSync(config).mode & 0o777).toBe(0o600);
    expect(JSON.parse(fs.readFileSync(config, 'utf8'))).toEqual({
      url: env.ENVKIT_URL,
      token: storefrontCi.token,
    });

    const templates = await runCli(['templates', '-o', 'json'], {
      HOME: tmp,
      ENVKIT_CONFIG: config,
    });
    expect(templates.code).toBe(0);
    expect(JSON.parse(templates.stdout).map((t: any) => t.ref)).toContain(
      'environmenttemplate:default/ecs-web-service',
    );

    const wrong = await runCli(
      ['login', '--url', env.ENVKIT_URL, '--token', 'not-a-known-token'],
      { HOME: tmp, ENVKIT_CONFIG: path.join(tmp, 'wrong.json') },
    );
    expect(wrong.code).toBe(3);
    expect(fs.existsSync(path.join(tmp, 'wrong.json'))).toBe(false);
  });

  it('create --wait prints the Ready environment and its endpoint as JSON; the same idempotency key again makes no second one', async () => {
    const first = await createWeb(
      'web-cli',
      '--idempotency-key',
      'build-42',
      ...fastWait,
      '-o',
      'json',
    );
    expect(first.stderr).toContain("Environment 'web-cli' is Provisioning");
    expect(first.code).toBe(0);
    const created = JSON.parse(first.stdout);
    expect(created).toMatchObject({
      name: 'web-cli',
      phase: 'Ready',
      owner: 'group:default/team-storefront',
      createdBy: 'storefront-ci',
      endpoint: expect.stringMatching(/^http:\/\/.+\.elb\.amazonaws\.com$/),
    });
    // The endpoint serves the image it was given.
    const page = await fetch(
      app.sandbox.controls.endpointUrlFor(
        created.endpoint.replace('http://', ''),
      ),
    );
    expect(await page.text()).toContain('nginx:1.27');

    const again = await createWeb(
      'web-cli',
      '--idempotency-key',
      'build-42',
      '-o',
      'json',
    );
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).id).toBe(created.id);
    const list = await cli('list', '-o', 'json');
    expect(
      JSON.parse(list.stdout).filter((e: any) => e.name === 'web-cli'),
    ).toHaveLength(1);
    // One network and one service stack, as the real AWS CLI lists them.
    const stacks = await stacksOf(app.sandbox, created.id);
    expect(stacks.map(s => s.StackStatus)).toEqual([
      'CREATE_COMPLETE',
      'CREATE_COMPLETE',
    ]);

    const outputs = await cli('outputs', 'web-cli', 'endpoint');
    expect(outputs).toMatchObject({ code: 0, stdout: `${created.endpoint}\n` });
  });

  it('exits 2 on bad input, printing the API message that names the field', async () => {
    const result = await createWeb('web-bad', '--input', 'containerPort=70000');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: inputs.containerPort: /m);

    // A malformed flag is refused before anything is sent.
    const badFlag = await cli(
      ...'create web-bad -t ecs-web-service --input noequals'.split(' '),
    );
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toContain('--input');
  });

  it('exits 3 when the policy does not grant the template or the owner', async () => {
    const template = await create('pay-cli', 'ecs-payments', {
      imageLocation: 'nginx:1.27',
    });
    expect(template.code).toBe(3);
    expect(template.stderr).toMatch(/^error: You may not create/m);

    const owner = await createWeb(
      'web-other',
      '--owner',
      'group:default/team-payments',
    );
    expect(owner.code).toBe(3);
  });

  it('a CI principal can neither see nor change an environment outside its grant', async () => {
    // The guest user (team-storefront) makes one from a template the
    // principal is not granted, with the owner the principal is granted.
    const guest = await app.backend.guestToken();
    const made = await runCli(
      [
        'create',
        'pay-guest',
        '-t',
        'ecs-payments',
        '--input',
        'imageLocation=nginx:1.27',
        '--owner',
        'group:default/team-storefront',
        '-o',
        'json',
      ],
      { ...env, ENVKIT_TOKEN: guest },
    );
    expect(made.code).toBe(0);
    const { id } = JSON.parse(made.stdout);

    const list = await cli('list', '-o', 'json');
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout).map((e: any) => e.name)).not.toContain(
      'pay-guest',
    );
    const byName = await cli('get', 'pay-guest');
    expect(byName.code).toBe(1);
    expect(byName.stderr).toContain("No environment named 'pay-guest'");
    // By id, the policy refuses each read and write.
    for (const args of [
      ['get', id],
      ['redeploy', id],
      ['extend', id, '--ttl', 'PT8H'],
      ['destroy', id],
    ]) {
      const run = await cli(...args);
      expect({ args, code: run.code }).toEqual({ args, code: 3 });
    }
    const still = await runCli(['get', id, '-o', 'json'], {
      ...env,
      ENVKIT_TOKEN: guest,
    });
    expect(JSON.parse(still.stdout).phase).not.toMatch(/^Destroy/);
  });

  it('never prints the value of a secret input', async () => {
    const secret = 'do-not-print-this-4711';
    const runs = [
      await cli(
        'create',
        'web-secret',
        '-t',
        'ecs-with-secret',
        '--input',
        'imageLocation=nginx:1.27',
        '--input',
        `apiToken=${secret}`,
        '--owner',
        'group:default/team-storefront',
        '-o',
        'json',
      ),
    ];
    expect(runs[0].code).toBe(0);
    expect(JSON.parse(runs[0].stdout).secretInputs).toEqual(['apiToken']);
    runs.push(await cli('get', 'web-secret'));
    runs.push(await cli('get', 'web-secret', '-o', 'json'));
    runs.push(await cli('list'));
    runs.push(await cli('destroy', 'web-secret', ...fastWait));
    for (const run of runs) {
      expect(`${run.stdout}${run.stderr}`).not.toContain(secret);
    }
    // Nor does the backend log it, or the principal's token.
    app.logs.addSecret(secret);
    expect(app.logs.leaks()).toEqual([]);
    expect(runs[1].stdout).toMatch(/Input apiToken\s+\(secret\)/);
  });

  it('kubeconfig writes the kubeconfig of a namespace to a file only its user can read', async () => {
    const created = await create(
      'ns-cli',
      'reliability-namespace',
      {},
      ...fastWait,
      '-o',
      'json',
    );
    expect(created.code).toBe(0);
    const { namespace } = JSON.parse(created.stdout).outputs;

    const file = path.join(tmp, 'ns-cli.kubeconfig');
    const issued = await cli(
      'kubeconfig',
      'ns-cli',
      '--file',
      file,
      '--expiration',
      '30m',
      '-o',
      'json',
    );
    expect(issued.code).toBe(0);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const kubeconfig = fs.readFileSync(file, 'utf8');
    expect(kubeconfig).toContain(`namespace: ${namespace}`);
    expect(kubeconfig).toMatch(/token: \S+/);
    // What is printed says where it went and until when; the token stays
    // in the file.
    const summary = JSON.parse(issued.stdout);
    expect(summary).toMatchObject({ namespace, authentication: 'token', file });
    expect(summary.kubeconfig).toBeUndefined();
    // On the sandbox's clock, which may run faster than the wall clock.
    expect(Date.parse(summary.expiresAt)).toBeGreaterThan(Date.now());

    const tooShort = await cli('kubeconfig', 'ns-cli', '--expiration', '5m');
    expect(tooShort.code).toBe(2);
    expect(tooShort.stderr).toContain('expiration: must be at least 10m');
    // An ECS environment has no namespace to reach.
    expect((await cli('kubeconfig', 'web-cli')).code).toBe(1);

    expect((await cli('destroy', 'ns-cli', ...fastWait)).code).toBe(0);
  });

  it('destroy --wait exits 0 once everything is gone from the sandbox', async () => {
    const before = JSON.parse(
      (await cli('get', 'web-cli', '-o', 'json')).stdout,
    );
    const result = await cli('destroy', 'web-cli', ...fastWait, '-o', 'json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      id: before.id,
      phase: 'Destroyed',
    });
    expect(await stacksOf(app.sandbox, before.id)).toEqual([]);
    expect((await cli('get', 'web-cli')).code).toBe(1);
  });
});
