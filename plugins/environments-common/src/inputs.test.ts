import { InputError } from '@backstage/errors';
import Ajv from 'ajv';
import { exampleTemplate } from './testUtils';
import { resolveInputs } from './inputs';
import { validateEnvironmentTemplate } from './template';

const spec = () => validateEnvironmentTemplate(exampleTemplate()).spec;

function problems(inputs: Record<string, unknown>, s = spec()): string {
  try {
    resolveInputs(s, inputs);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error('expected resolveInputs to throw');
}

describe('resolveInputs', () => {
  it('applies defaults and keeps given values', () => {
    expect(resolveInputs(spec(), { imageLocation: 'nginx:1.27' })).toEqual({
      imageLocation: 'nginx:1.27',
      containerPort: 8080,
      size: 'small',
      region: 'eu-west-1',
      public: true,
    });
  });

  it('rejects overriding a locked parameter, naming it', () => {
    expect(problems({ imageLocation: 'nginx', region: 'us-east-1' })).toBe(
      'inputs.region: is locked by the platform team to "eu-west-1" and cannot be changed',
    );
  });

  it('tolerates a locked parameter given its own value', () => {
    expect(
      resolveInputs(spec(), { imageLocation: 'nginx', region: 'eu-west-1' })
        .region,
    ).toBe('eu-west-1');
  });

  it('restricts to the enum', () => {
    expect(problems({ imageLocation: 'nginx', size: 'huge' })).toBe(
      'inputs.size: must be one of "small", "medium", got \'huge\'',
    );
    expect(
      resolveInputs(spec(), { imageLocation: 'nginx', size: 'medium' }).size,
    ).toBe('medium');
  });

  it('requires required inputs', () => {
    expect(problems({})).toBe('inputs.imageLocation: is required');
  });

  it('rejects unknown inputs', () => {
    expect(problems({ imageLocation: 'nginx', replicas: 3 })).toMatch(
      /^inputs\.replicas: unknown input; this template takes imageLocation, containerPort/,
    );
  });

  it('checks types and converts only plain numeric and boolean text', () => {
    const s = spec();
    expect(
      resolveInputs(s, {
        imageLocation: 'nginx',
        containerPort: '9090',
        public: 'false',
      }),
    ).toMatchObject({ containerPort: 9090, public: false });
    for (const port of [
      '0x1F',
      '8080.5',
      ' 80',
      '1e3',
      '',
      '080',
      true,
      [80],
    ]) {
      expect(
        problems({ imageLocation: 'nginx', containerPort: port }, s),
      ).toMatch(/^inputs\.containerPort: must be a/);
    }
    expect(problems({ imageLocation: 42 }, s)).toBe(
      'inputs.imageLocation: must be a string, got number 42',
    );
    expect(problems({ imageLocation: 'nginx', public: 'yes' }, s)).toBe(
      "inputs.public: must be a boolean, got 'yes'",
    );
  });

  it('checks minimum, maximum, lengths and pattern', () => {
    const s = spec();
    s.parameters.properties.imageLocation.pattern = '^[a-z]+(:[a-z0-9.]+)?$';
    expect(problems({ imageLocation: 'nginx', containerPort: 0 }, s)).toBe(
      'inputs.containerPort: must be at least 1, got 0',
    );
    expect(problems({ imageLocation: 'nginx', containerPort: 70000 }, s)).toBe(
      'inputs.containerPort: must be at most 65535, got 70000',
    );
    expect(problems({ imageLocation: 'ab' }, s)).toMatch(
      /^inputs\.imageLocation: must be at least 3 characters/,
    );
    expect(problems({ imageLocation: 'NGINX; rm -rf /' }, s)).toMatch(
      /^inputs\.imageLocation: must match the pattern/,
    );
    s.parameters.properties.imageLocation.description =
      'A lower-case image name with an optional tag, e.g. nginx:1.27';
    expect(problems({ imageLocation: 'NGINX; rm -rf /' }, s)).toBe(
      'inputs.imageLocation: is not in the expected form (A lower-case image name with an optional tag, e.g. nginx:1.27)',
    );
    expect(problems({ imageLocation: 'x'.repeat(5000) }, s)).toMatch(
      /^inputs\.imageLocation: must be at most 4096 characters/,
    );
  });

  it('reports every problem at once', () => {
    const message = problems({ region: 'x', size: 'huge', extra: 1 });
    expect(message).toContain('inputs.extra:');
    expect(message).toContain('inputs.region:');
    expect(message).toContain('inputs.size:');
    expect(message).toContain('inputs.imageLocation: is required');
  });

  it('keeps the message short however many problems there are', () => {
    const flood = Object.fromEntries(
      Array.from({ length: 10_000 }, (_, i) => [
        `unknown-${'x'.repeat(200)}-${i}`,
        i,
      ]),
    );
    const message = problems(flood);
    expect(message.length).toBeLessThan(2_000);
    // Ten thousand unknown inputs and the missing image: five shown.
    expect(message).toMatch(/\(and 9996 more\)$/);
  });

  it('leaves out optional inputs without value or default', () => {
    expect(resolveInputs(spec(), { imageLocation: 'n/a' })).not.toHaveProperty(
      'dbPassword',
    );
  });

  it('does not let __proto__ inputs through', () => {
    const given = JSON.parse('{"imageLocation":"nginx","__proto__":{"x":1}}');
    expect(problems(given)).toMatch(/^inputs\.__proto__: unknown input/);
  });

  it('never repeats the value of a secret input', () => {
    const s = spec();
    s.parameters.properties.dbPassword.minLength = 12;
    s.parameters.properties.dbPassword.enum = ['correct-horse-battery'];
    expect(problems({ imageLocation: 'nginx', dbPassword: 'hunter2' }, s)).toBe(
      'inputs.dbPassword: must be one of "correct-horse-battery"',
    );
    expect(problems({ imageLocation: 'nginx', dbPassword: 4242 }, s)).toBe(
      'inputs.dbPassword: must be a string',
    );
  });

  it("compiles a template's schema once, not on every call", () => {
    const compile = jest.spyOn(Ajv.prototype, 'compile');
    const s = spec();
    s.parameters.properties.imageLocation.pattern = '^[a-z]+-once$';
    for (let i = 0; i < 3; i++) {
      expect(
        resolveInputs(structuredClone(s), { imageLocation: 'nginx-once' }),
      ).toMatchObject({ imageLocation: 'nginx-once' });
    }
    expect(compile).toHaveBeenCalledTimes(1);
    compile.mockRestore();
  });

  it('rejects inputs that are not an object', () => {
    expect(() => resolveInputs(spec(), [] as any)).toThrow(
      'inputs: must be an object',
    );
  });
});
