import { InputError } from '@backstage/errors';
import {
  findDependencyCycle,
  topologicalOrder,
  transitiveDependencies,
  validateResourceGraph,
} from './resourceGraph';

describe('resource graph', () => {
  const resources = [
    { name: 'service', dependsOn: ['cluster', 'network'] },
    { name: 'network' },
    { name: 'cluster', dependsOn: ['network'] },
    { name: 'dns' },
  ];

  it('orders dependencies first, otherwise by declaration', () => {
    expect(topologicalOrder(resources).map(r => r.name)).toEqual([
      'network',
      'cluster',
      'service',
      'dns',
    ]);
  });

  it('finds cycles as a path', () => {
    expect(
      findDependencyCycle([
        { name: 'a', dependsOn: ['b'] },
        { name: 'b', dependsOn: ['c'] },
        { name: 'c', dependsOn: ['a'] },
      ]),
    ).toEqual(['a', 'b', 'c', 'a']);
    expect(findDependencyCycle(resources)).toBeUndefined();
  });

  it('refuses to order a cyclic graph', () => {
    expect(() =>
      topologicalOrder([
        { name: 'x' },
        { name: 'a', dependsOn: ['b'] },
        { name: 'b', dependsOn: ['a'] },
      ]),
    ).toThrow('spec.resources[1].dependsOn: dependency cycle a -> b -> a');
  });

  it('rejects self dependencies, duplicates and unknown targets', () => {
    expect(() =>
      validateResourceGraph([{ name: 'a', dependsOn: ['a'] }]),
    ).toThrow(
      "spec.resources[0].dependsOn[0]: resource 'a' cannot depend on itself",
    );
    expect(() => validateResourceGraph([{ name: 'a' }, { name: 'a' }])).toThrow(
      InputError,
    );
    expect(() =>
      validateResourceGraph([{ name: 'a' }, { name: 'b', dependsOn: ['db'] }]),
    ).toThrow(/^spec\.resources\[1\]\.dependsOn: unknown resource 'db'/);
  });

  it('lists transitive dependencies', () => {
    expect([...transitiveDependencies(resources, 'service')].sort()).toEqual([
      'cluster',
      'network',
    ]);
    expect(transitiveDependencies(resources, 'network').size).toBe(0);
  });
});
