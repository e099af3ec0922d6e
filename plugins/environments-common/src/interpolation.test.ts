import { InputError } from '@backstage/errors';
import {
  collectReferences,
  interpolate,
  InterpolationContext,
  InterpolationError,
  validateReferences,
} from './interpolation';

const context: InterpolationContext = {
  inputs: { port: 8080, image: 'nginx', public: false, tags: 'a,b' },
  environment: {
    id: 'id-1',
    name: 'dev',
    owner: 'user:default/jane',
  },
  resources: {
    network: { outputs: { VpcId: 'vpc-123', Subnets: ['s-1', 's-2'] } },
  },
};

describe('collectReferences', () => {
  it('finds expressions in nested objects and arrays with their paths', () => {
    const refs = collectReferences(
      {
        a: 'x-${{ inputs.port }}-${{environment.name}}',
        b: [{ c: '${{ resources.network.outputs.VpcId }}' }],
        d: 42,
        e: null,
      },
      'spec',
    );
    expect(refs).toEqual([
      {
        path: 'spec.a',
        expression: 'inputs.port',
        reference: { kind: 'input', name: 'port' },
      },
      {
        path: 'spec.a',
        expression: 'environment.name',
        reference: { kind: 'environment', field: 'name' },
      },
      {
        path: 'spec.b[0].c',
        expression: 'resources.network.outputs.VpcId',
        reference: { kind: 'resource', resource: 'network', output: 'VpcId' },
      },
    ]);
  });

  it.each([
    ['${{ process.env.X }}'],
    ['${{ inputs.a + 1 }}'],
    ["${{ constructor.constructor('x')() }}"],
    ['${{ inputs["a"] }}'],
    ['${{ inputs.a() }}'],
    ['${{ inputs }}'],
    ['${{ inputs.a.b }}'],
    ['${{ environment.secretKey }}'],
    ['${{ resources.net.VpcId }}'],
    ['${{ resources.net.outputs }}'],
    ['${{ }}'],
    ['${{ inputs.a'],
    ['${{ inputs.__proto__ }}'],
    ['${{ `x` }}'],
  ])('rejects %s, naming the path', text => {
    expect(() => collectReferences({ field: text }, 'spec.outputs')).toThrow(
      InputError,
    );
    expect(() => collectReferences({ field: text }, 'spec.outputs')).toThrow(
      /^spec\.outputs\.field: /,
    );
  });

  it('ignores text without expressions, including lone braces', () => {
    expect(collectReferences(['{{ x }}', '$ {{ y }}', '${ z }', '}}'])).toEqual(
      [],
    );
  });

  it('is fast on adversarial input', () => {
    const start = Date.now();
    expect(() => collectReferences('${{'.repeat(100000))).toThrow(InputError);
    collectReferences('${{ inputs.a }}'.repeat(20000));
    expect(Date.now() - start).toBeLessThan(2000);
  });

  it('refuses absurd nesting', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(() => collectReferences(deep, 'spec')).toThrow(
      /nested more than 32 levels/,
    );
  });
});

describe('validateReferences', () => {
  const spec = {
    parameters: {
      properties: {
        port: { type: 'integer' as const },
        password: { type: 'string' as const, secret: true },
      },
    },
    resources: [
      { name: 'network', driver: 'd' },
      { name: 'cluster', driver: 'd', dependsOn: ['network'] },
      {
        name: 'service',
        driver: 'd',
        dependsOn: ['cluster'],
        parameters: {
          Vpc: '${{ resources.network.outputs.VpcId }}',
          Password: '${{ inputs.password }}',
        },
      },
    ],
    outputs: { endpoint: '${{ resources.service.outputs.Endpoint }}' },
  };

  it('accepts transitive upstream references and secrets in parameters', () => {
    expect(() => validateReferences(spec)).not.toThrow();
  });

  it('rejects downstream references', () => {
    const bad = structuredClone(spec);
    bad.resources[0] = {
      name: 'network',
      driver: 'd',
      parameters: { x: '${{ resources.service.outputs.Endpoint }}' },
    } as any;
    expect(() => validateReferences(bad)).toThrow(
      /^spec\.resources\[0\]\.parameters\.x: .*which resource 'network' does not depend on/,
    );
  });

  it('rejects unknown resources and inputs', () => {
    const bad = structuredClone(spec);
    bad.outputs = { db: '${{ resources.db.outputs.Host }}' } as any;
    expect(() => validateReferences(bad)).toThrow(
      "spec.outputs.db: 'resources.db.outputs.Host' refers to unknown resource 'db'",
    );
    bad.outputs = { p: '${{ inputs.prot }}' } as any;
    expect(() => validateReferences(bad)).toThrow(
      /refers to unknown input 'prot'; declared inputs: port, password/,
    );
  });

  it('rejects secrets in outputs', () => {
    const bad = structuredClone(spec);
    bad.outputs = { conn: 'postgres://app:${{ inputs.password }}@db' } as any;
    expect(() => validateReferences(bad)).toThrow(
      /^spec\.outputs\.conn: .*secret input 'password'/,
    );
  });
});

describe('interpolate', () => {
  it('keeps the type of a value that is the whole string', () => {
    expect(interpolate('${{ inputs.port }}', context)).toBe(8080);
    expect(interpolate('${{inputs.public}}', context)).toBe(false);
    expect(
      interpolate('${{ resources.network.outputs.Subnets }}', context),
    ).toEqual(['s-1', 's-2']);
  });

  it('concatenates text', () => {
    expect(
      interpolate(
        'http://${{ environment.name }}:${{ inputs.port }}/',
        context,
      ),
    ).toBe('http://dev:8080/');
  });

  it('substitutes deeply and leaves other values alone', () => {
    const input = {
      Parameters: [
        {
          Vpc: '${{ resources.network.outputs.VpcId }}',
          n: 1,
          b: true,
          z: null,
        },
      ],
      literal: 'plain',
    };
    expect(interpolate(input, context)).toEqual({
      Parameters: [{ Vpc: 'vpc-123', n: 1, b: true, z: null }],
      literal: 'plain',
    });
    expect(input.Parameters[0].Vpc).toBe(
      '${{ resources.network.outputs.VpcId }}',
    );
  });

  it('names the expression that has no value', () => {
    const run = () =>
      interpolate(
        { a: { b: '${{ resources.service.outputs.Endpoint }}' } },
        context,
      );
    expect(run).toThrow(InterpolationError);
    expect(run).toThrow(
      "a.b: '${{ resources.service.outputs.Endpoint }}' has no value (resource 'service' has not published output 'Endpoint')",
    );
    expect(() => interpolate('${{ environment.component }}', context)).toThrow(
      /has no value/,
    );
    expect(() => interpolate('${{ inputs.missing }}', context)).toThrow(
      InterpolationError,
    );
  });

  it('never evaluates code or reads inherited properties', () => {
    expect(() =>
      interpolate("${{ constructor.constructor('x')() }}", context),
    ).toThrow(InputError);
    expect(() => interpolate('${{ inputs.toString }}', context)).toThrow(
      InterpolationError,
    );
    expect(() => interpolate('${{ inputs.hasOwnProperty }}', context)).toThrow(
      InterpolationError,
    );
  });

  it('does not substitute expressions found inside substituted values', () => {
    const ctx = { ...context, inputs: { x: '${{ environment.id }}' } };
    expect(interpolate('v=${{ inputs.x }}', ctx)).toBe(
      'v=${{ environment.id }}',
    );
  });

  it('refuses to embed a list in text', () => {
    expect(() =>
      interpolate('s=${{ resources.network.outputs.Subnets }}', context),
    ).toThrow(/cannot be embedded in text/);
  });

  it('keeps __proto__ keys as data', () => {
    const value = JSON.parse(
      '{"__proto__": {"polluted": "${{ inputs.image }}"}}',
    );
    const out = interpolate(value, context) as any;
    expect(({} as any).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toEqual({
      polluted: 'nginx',
    });
  });
});
