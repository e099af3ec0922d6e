import { InputError } from '@backstage/errors';
import {
  albName,
  ecsClusterName,
  MAX_ENVIRONMENT_NAME_LENGTH,
  namespaceName,
  shortResourceName,
  stackName,
  targetGroupName,
  validateEnvironmentName,
} from './naming';

const longest = `a${'b'.repeat(MAX_ENVIRONMENT_NAME_LENGTH - 1)}`;
const uuid1 = '1b4e28ba-2fa1-11d2-883f-0016d3cca427';
const uuid2 = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';

function nameError(name: unknown): string {
  try {
    validateEnvironmentName(name);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error(`expected '${String(name)}' to be rejected`);
}

describe('validateEnvironmentName', () => {
  it('accepts DNS labels that start with a letter', () => {
    for (const name of ['a', 'dev', 'my-env-2', longest]) {
      expect(validateEnvironmentName(name)).toBe(name);
    }
  });

  it('rejects upper case with a suggestion', () => {
    expect(nameError('MyEnv')).toMatch(
      /^name: environment name must be lowercase; try 'myenv'/,
    );
  });

  it('rejects names that are too long', () => {
    expect(nameError(`${longest}c`)).toMatch(
      /^name: environment name must be at most 20 characters, got 21/,
    );
  });

  it.each([
    ['unicode', 'café'],
    ['path traversal', '../x'],
    ['slash', 'a/b'],
    ['shell', 'a;rm -rf'],
    ['shell substitution', 'a$(id)'],
    ['SQL', "a'--"],
    ['space', 'a b'],
    ['underscore', 'a_b'],
    ['dot', 'a.b'],
  ])('rejects %s characters', (_, name) => {
    expect(nameError(name)).toMatch(
      /may only contain lowercase letters a-z, digits 0-9 and '-'/,
    );
  });

  it('rejects names with the wrong first or last character', () => {
    expect(nameError('1env')).toMatch(/must start with a lowercase letter/);
    expect(nameError('-env')).toMatch(/must start with a lowercase letter/);
    expect(nameError('env-')).toMatch(/must end with a letter or digit/);
    expect(nameError('')).toMatch(/must not be empty/);
    expect(nameError(42)).toMatch(/must be a string/);
  });

  it.each([
    'default',
    'envkit',
    'kube-system',
    'kube-public',
    'kube-node-lease',
    'kube-x',
    'envkit-system',
    'internal-app',
  ])('rejects reserved name %s', name => {
    expect(nameError(name)).toMatch(/reserved; choose another name/);
  });

  it('names a custom field', () => {
    expect(() => validateEnvironmentName('X', 'spec.name')).toThrow(
      /^spec\.name: /,
    );
  });
});

describe('derived names', () => {
  const cfnPattern = /^[a-zA-Z][-a-zA-Z0-9]*$/;
  const awsShortPattern = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$/;

  it('builds valid stack names within 128 characters', () => {
    const name = stackName(longest, uuid1, 'r'.repeat(40));
    expect(name.length).toBeLessThanOrEqual(128);
    expect(name).toMatch(cfnPattern);
    expect(name.startsWith(`envkit-${longest}-${'r'.repeat(40)}-`)).toBe(true);
  });

  it('is deterministic', () => {
    expect(stackName('dev', uuid1, 'network')).toBe(
      stackName('dev', uuid1, 'network'),
    );
    expect(albName('dev', uuid1)).toBe(albName('dev', uuid1));
  });

  it('keeps stack names apart when names concatenate alike', () => {
    // env 'a-b' + resource 'c' and env 'a' + resource 'b-c' read the same.
    expect(stackName('a-b', uuid1, 'c')).not.toBe(stackName('a', uuid2, 'b-c'));
    // Same environment name, different environments.
    expect(stackName('dev', uuid1, 'net')).not.toBe(
      stackName('dev', uuid2, 'net'),
    );
  });

  it('keeps ALB and target group names within 32 characters and valid', () => {
    for (const env of ['a', 'dev', longest]) {
      for (const name of [albName(env, uuid1), targetGroupName(env, uuid1)]) {
        expect(name.length).toBeLessThanOrEqual(32);
        expect(name).toMatch(awsShortPattern);
        expect(name.startsWith('internal-')).toBe(false);
      }
    }
  });

  it('keeps short names apart after truncation', () => {
    expect(albName('ab', uuid1)).not.toBe(albName('a-b', uuid2));
    expect(albName(longest, uuid1)).not.toBe(albName(longest, uuid2));
    // Suffixes that truncate to the same text still differ.
    const a = shortResourceName(longest, uuid1, 'web-target-group', 32);
    const b = shortResourceName(longest, uuid1, 'web-target-groupb', 32);
    expect(a.slice(0, 23)).toBe(b.slice(0, 23));
    expect(a).not.toBe(b);
  });

  it('never leaves a hyphen before the hash after truncation', () => {
    // 'aaaa…a-' cut at the hyphen must not produce '--'.
    const env = `${'a'.repeat(19)}b`;
    const name = shortResourceName(env, uuid1, 'x', 22);
    expect(name).not.toContain('--');
    expect(name.length).toBeLessThanOrEqual(22);
  });

  it('refuses a maxLength too small for the hash', () => {
    expect(() => shortResourceName('dev', uuid1, 'alb', 9)).toThrow(RangeError);
  });

  it('builds namespaces within 63 characters', () => {
    expect(namespaceName('dev')).toBe('dev');
    const withId = namespaceName(longest, uuid1);
    expect(withId.length).toBeLessThanOrEqual(63);
    expect(withId).toMatch(/^[a-z]([-a-z0-9]*[a-z0-9])?$/);
    expect(namespaceName('dev', uuid1)).not.toBe(namespaceName('dev', uuid2));
  });

  it('builds ECS cluster names', () => {
    const name = ecsClusterName(longest, uuid1);
    expect(name.length).toBeLessThanOrEqual(255);
    expect(name).toMatch(/^[a-zA-Z0-9_-]+$/);
  });

  it('refuses to derive names from invalid input', () => {
    expect(() => stackName('Dev', uuid1, 'net')).toThrow(InputError);
    expect(() => stackName('dev', uuid1, 'Net')).toThrow(InputError);
    expect(() => namespaceName('kube-system')).toThrow(/reserved/);
  });
});
