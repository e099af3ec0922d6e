import { fieldSelector, labelSelector } from './selectors';

describe('labelSelector', () => {
  const labels = { app: 'web', tier: 'frontend' };

  it('supports equality, inequality, set and existence terms', () => {
    expect(labelSelector('app=web')(labels)).toBe(true);
    expect(labelSelector('app==web,tier!=backend')(labels)).toBe(true);
    expect(labelSelector('app!=web')(labels)).toBe(false);
    expect(labelSelector('tier in (frontend, backend)')(labels)).toBe(true);
    expect(labelSelector('tier notin (frontend)')(labels)).toBe(false);
    expect(labelSelector('app')(labels)).toBe(true);
    expect(labelSelector('!app')(labels)).toBe(false);
    expect(labelSelector('missing')(labels)).toBe(false);
  });

  it('rejects malformed selectors with a 400 Status', () => {
    expect(() => labelSelector('app in web')(labels)).toThrow(
      /unable to parse requirement/,
    );
  });
});

describe('fieldSelector', () => {
  it('matches metadata.name and metadata.namespace', () => {
    const match = fieldSelector(
      'metadata.name=a,metadata.namespace!=kube-system',
    );
    expect(match({ name: 'a', namespace: 'team' })).toBe(true);
    expect(match({ name: 'a', namespace: 'kube-system' })).toBe(false);
  });
});
