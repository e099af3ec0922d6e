import { InputError } from '@backstage/errors';
import { exampleTemplate } from './testUtils';
import {
  isEnvironmentTemplateEntity,
  MAX_TEMPLATE_SIZE_BYTES,
  validateEnvironmentTemplate,
} from './template';

function expectInvalid(
  template: unknown,
  message: string | RegExp,
  options = {},
) {
  let error: unknown;
  try {
    validateEnvironmentTemplate(template, options);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(InputError);
  expect((error as Error).message).toMatch(message);
}

describe('validateEnvironmentTemplate', () => {
  it('accepts a complete template and fills defaults', () => {
    const t = exampleTemplate();
    delete t.spec.outputs;
    const parsed = validateEnvironmentTemplate(t);
    expect(parsed.spec.resources.map(r => r.name)).toEqual([
      'network',
      'service',
    ]);
    expect(parsed.spec.outputs).toEqual({});
    expect(parsed.spec.parameters.properties.dbPassword['ui:widget']).toBe(
      'password',
    );
    expect(isEnvironmentTemplateEntity(parsed)).toBe(true);
  });

  it('takes a monthly cost threshold for approval, and asks for one when the rule needs it', () => {
    const t = exampleTemplate();
    t.spec.guardrails = {
      approval: {
        required: 'aboveMonthlyCost',
        aboveMonthlyCost: 150,
        approvers: 'group:default/platform-team',
      },
    };
    expect(
      validateEnvironmentTemplate(t).spec.guardrails?.approval,
    ).toMatchObject({ required: 'aboveMonthlyCost', aboveMonthlyCost: 150 });
    delete t.spec.guardrails.approval!.aboveMonthlyCost;
    expectInvalid(
      t,
      /spec\.guardrails\.approval\.aboveMonthlyCost: required when required is 'aboveMonthlyCost'/,
    );
  });

  it('defaults parameters to none', () => {
    const t = exampleTemplate();
    t.spec.parameters = undefined;
    t.spec.resources = [{ name: 'ns', driver: 'kubernetes-namespace' }];
    t.spec.outputs = { ns: '${{ resources.ns.outputs.namespace }}' };
    expect(validateEnvironmentTemplate(t).spec.parameters).toEqual({
      properties: {},
    });
  });

  it('refuses environment.namespace, which is never supplied, naming what is', () => {
    const t = exampleTemplate();
    t.spec.outputs.ns = '${{ environment.namespace }}';
    expectInvalid(
      t,
      /^spec\.outputs\.ns: .*unknown environment field 'namespace'; known fields are id, name, owner, component .*resources\.<name>\.outputs\.namespace/,
    );
  });

  it('rejects the wrong kind or apiVersion', () => {
    const t = exampleTemplate();
    t.kind = 'Template';
    expectInvalid(t, /^kind: /);
    const u = exampleTemplate();
    u.apiVersion = 'envkit.io/v2';
    expectInvalid(u, /^apiVersion: /);
  });

  it('rejects a version that is not semver', () => {
    for (const version of ['1.2', 'v1.2.0', '01.2.0', '1.2.0-', 'latest']) {
      const t = exampleTemplate();
      t.spec.version = version;
      expectInvalid(t, /^spec\.version: must be a semantic version/);
    }
  });

  it('rejects a bad owner ref', () => {
    const t = exampleTemplate();
    t.spec.owner = 'group:default/';
    expectInvalid(t, /^spec\.owner: /);
  });

  it('rejects an unknown dependsOn target, naming the path', () => {
    const t = exampleTemplate();
    t.spec.resources[1].dependsOn = ['network', 'db'];
    expectInvalid(t, /^spec\.resources\[1\]\.dependsOn: unknown resource 'db'/);
  });

  it('rejects a dependency cycle, naming the cycle', () => {
    const t = exampleTemplate();
    t.spec.resources[0].dependsOn = ['service'];
    expectInvalid(t, /dependency cycle network -> service -> network/);
  });

  it('rejects duplicate resource names', () => {
    const t = exampleTemplate();
    t.spec.resources[1].name = 'network';
    expectInvalid(
      t,
      /spec\.resources\[1\]\.name: duplicate resource name 'network'/,
    );
  });

  it('rejects resource names that are not DNS labels', () => {
    const t = exampleTemplate();
    t.spec.resources[0].name = 'Network_1';
    expectInvalid(t, /^spec\.resources\[0\]\.name: must be lowercase/);
  });

  it('rejects a malformed driver id and, when told, an unregistered one', () => {
    const t = exampleTemplate();
    t.spec.resources[0].driver = 'AWS CloudFormation';
    expectInvalid(t, /^spec\.resources\[0\]\.driver: driver id/);
    expectInvalid(
      exampleTemplate(),
      /^spec\.resources\[0\]\.driver: no driver 'aws-cloudformation' is registered; registered drivers: kubernetes-namespace/,
      { knownDrivers: ['kubernetes-namespace'] },
    );
    expect(() =>
      validateEnvironmentTemplate(exampleTemplate(), {
        knownDrivers: new Set(['aws-cloudformation']),
        knownTypes: ['ecs', 'namespace'],
      }),
    ).not.toThrow();
    expectInvalid(
      exampleTemplate(),
      /^spec\.type: unknown template type 'ecs'/,
      {
        knownTypes: ['namespace'],
      },
    );
  });

  it('rejects a misspelt resource field instead of ignoring it', () => {
    const t = exampleTemplate();
    t.spec.resources[1].dependOn = ['network'];
    expectInvalid(t, /^spec\.resources\[1\]: Unrecognized key/);
  });

  it('rejects a reference to an undeclared input', () => {
    const t = exampleTemplate();
    t.spec.resources[1].parameters.Parameters.Image = '${{ inputs.image }}';
    expectInvalid(
      t,
      /^spec\.resources\[1\]\.parameters\.Parameters\.Image: '\S+' refers to unknown input 'image'/,
    );
  });

  it('rejects reading a resource that is not upstream', () => {
    const t = exampleTemplate();
    t.spec.resources[0].parameters.Other = '${{ resources.service.outputs.X }}';
    expectInvalid(
      t,
      /^spec\.resources\[0\]\.parameters\.Other: .* which resource 'network' does not depend on/,
    );
  });

  it('rejects a secret input in outputs', () => {
    const t = exampleTemplate();
    t.spec.outputs.password = 'pw=${{ inputs.dbPassword }}';
    expectInvalid(
      t,
      /^spec\.outputs\.password: .*secret input 'dbPassword'; secrets may not appear in outputs/,
    );
  });

  it('rejects code in an expression', () => {
    const t = exampleTemplate();
    t.spec.outputs.x = "${{ constructor.constructor('x')() }}";
    expectInvalid(t, /^spec\.outputs\.x: .* is not a reference/);
  });

  it('rejects a template larger than 1 MB', () => {
    const t = exampleTemplate();
    t.metadata.annotations = { padding: 'x'.repeat(MAX_TEMPLATE_SIZE_BYTES) };
    expectInvalid(
      t,
      /^template: is \d+ bytes serialized; templates may be at most 1048576 bytes/,
    );
  });

  it('rejects parameter declarations that contradict themselves', () => {
    const locked = exampleTemplate();
    delete locked.spec.parameters.properties.region.default;
    expectInvalid(
      locked,
      /spec\.parameters\.properties\.region: a locked parameter needs a default/,
    );
    const restricted = exampleTemplate();
    delete restricted.spec.parameters.properties.size.enum;
    expectInvalid(
      restricted,
      /properties\.size: a restricted parameter needs an enum/,
    );
    const badDefault = exampleTemplate();
    badDefault.spec.parameters.properties.containerPort.default = 70000;
    expectInvalid(
      badDefault,
      /properties\.containerPort\.default: must be at most 65535/,
    );
    const badRequired = exampleTemplate();
    badRequired.spec.parameters.required = ['image'];
    expectInvalid(
      badRequired,
      /spec\.parameters\.required\[0\]: names undeclared parameter 'image'/,
    );
    const badPattern = exampleTemplate();
    badPattern.spec.parameters.properties.imageLocation.pattern = '([a-z';
    expectInvalid(
      badPattern,
      /imageLocation\.pattern: is not a valid regular expression/,
    );
  });

  it('rejects parameter names that are not identifiers or are unsafe', () => {
    for (const name of ['__proto__', 'my-port', '1port', 'constructor']) {
      const t = exampleTemplate();
      t.spec.parameters.properties = JSON.parse(
        `{"${name}": {"type": "string"}}`,
      );
      t.spec.parameters.required = [];
      expectInvalid(t, /^spec\.parameters\.properties/);
    }
  });

  it('rejects unknown parameter properties but keeps ui: ones', () => {
    const t = exampleTemplate();
    t.spec.parameters.properties.size.enumm = ['small'];
    expectInvalid(
      t,
      /spec\.parameters\.properties\.size\.enumm: unknown parameter property/,
    );
  });

  it('checks guardrails', () => {
    const ttl = exampleTemplate();
    ttl.spec.guardrails.ttl = { default: '8h', max: 'P7D' };
    expectInvalid(
      ttl,
      /^spec\.guardrails\.ttl\.default: must be an ISO-8601 duration/,
    );
    const order = exampleTemplate();
    order.spec.guardrails.ttl = { default: 'P8D', max: 'P7D' };
    expectInvalid(
      order,
      /^spec\.guardrails\.ttl\.default: default must not be longer than max/,
    );
    const lifetime = exampleTemplate();
    lifetime.spec.guardrails.lifetime = { max: 'two weeks' };
    expectInvalid(
      lifetime,
      /^spec\.guardrails\.lifetime\.max: must be an ISO-8601 duration/,
    );
    const users = exampleTemplate();
    users.spec.guardrails.allowedUsers = ['group:default/devs'];
    expectInvalid(
      users,
      /^spec\.guardrails\.allowedUsers\[0\]: .* must refer to a user/,
    );
    const count = exampleTemplate();
    count.spec.guardrails.maxEnvironmentsPerOwner = 0;
    expectInvalid(count, /^spec\.guardrails\.maxEnvironmentsPerOwner: /);
    const policy = exampleTemplate();
    policy.spec.failurePolicy = 'retry';
    expectInvalid(policy, /^spec\.failurePolicy: /);
  });

  it('requires at least one resource', () => {
    const t = exampleTemplate();
    t.spec.resources = [];
    t.spec.outputs = {};
    expectInvalid(
      t,
      /^spec\.resources: a template needs at least one resource/,
    );
  });

  it('rejects input that cannot be serialized', () => {
    const t = exampleTemplate();
    t.spec.self = t;
    expectInvalid(t, /cannot be serialized/);
  });
});
