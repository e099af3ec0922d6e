import { readNamespaceParameters, subjectForEntityRef } from './parameters';
import { differences } from './drift';
import { parseQuantity } from '@envkit/plugin-environments-common';
import { labelValue } from './manifests';

const defaults = { podSecurity: 'baseline' as const, subjectPrefix: 'oidc:' };

describe('readNamespaceParameters', () => {
  it('maps owner and admin groups to RBAC subjects with the prefix, once each', () => {
    const { parameters } = readNamespaceParameters(
      {
        adminGroups: [
          'group:default/team-storefront',
          'platform',
          'user:default/lena',
        ],
      },
      'group:default/team-storefront',
      defaults,
    );
    expect(parameters?.subjects).toEqual([
      {
        kind: 'Group',
        name: 'oidc:team-storefront',
        ref: 'group:default/team-storefront',
      },
      { kind: 'Group', name: 'oidc:platform', ref: 'group:default/platform' },
      { kind: 'User', name: 'oidc:lena', ref: 'user:default/lena' },
    ]);
  });

  it('refuses subjects that are neither users nor groups', () => {
    expect(subjectForEntityRef('component:default/shop', 'group', '')).toMatch(
      /must refer to a user or group/,
    );
  });

  it('caps the quota to maxQuota, and a maximum alone still bounds the namespace', () => {
    const { parameters } = readNamespaceParameters(
      {
        quota: { cpu: '6', memory: '2Gi' },
        maxQuota: { cpu: '4000m', pods: 5 },
      },
      'user:default/lena',
      defaults,
    );
    expect(parameters?.quotaSummary).toEqual({
      cpu: '4000m',
      memory: '2Gi',
      pods: '5',
    });
    expect(parameters?.quotaHard).toMatchObject({
      'requests.cpu': '4000m',
      'limits.cpu': '4000m',
    });
    expect(parameters?.quotaCapped).toEqual([
      'cpu lowered from 6 to the maximum 4000m',
    ]);
  });

  it('treats an empty image as no workload and reports unknown parameters', () => {
    expect(
      readNamespaceParameters(
        { workload: { image: '', port: 80 } },
        'user:default/a',
        defaults,
      ).parameters?.workload,
    ).toBeUndefined();
    expect(
      readNamespaceParameters({ quotas: 'small' }, 'user:default/a', defaults)
        .problems,
    ).toEqual([expect.objectContaining({ path: 'parameters.quotas' })]);
  });

  it('reads secretEnv by variable name, dropping blank values and never quoting one', () => {
    const read = (secretEnv: unknown) =>
      readNamespaceParameters(
        { workload: { image: 'nginx:1.27', port: 80, secretEnv } },
        'user:default/a',
        defaults,
        ['workload.secretEnv.A', 'workload.secretEnv.C'],
      );
    expect(
      read({ A: 'x', B: 7, C: '' }).parameters?.workload?.secretEnv,
    ).toEqual({ A: 'x', B: '7' });
    expect(read({ C: '' }).parameters?.workload?.secretEnv).toBeUndefined();
    const { problems } = read({ 'A-1': 'hidden-1', A: { nested: 'hidden-2' } });
    expect(problems.map(p => p.path)).toEqual([
      'parameters.workload.secretEnv.A-1',
      'parameters.workload.secretEnv.A',
    ]);
    expect(JSON.stringify(problems)).not.toMatch(/hidden/);
  });
});

describe('differences', () => {
  it('ignores additions by others and server spelling, but not extra list items', () => {
    expect(
      differences(
        { hard: { cpu: '1' } },
        { hard: { cpu: '1000m', pods: '3' } },
      ),
    ).toEqual([]);
    expect(differences({ ingress: [] }, {})).toEqual([]);
    expect(differences({ ingress: [] }, { ingress: [{}] })).toEqual([
      'ingress',
    ]);
    expect(
      differences({ subjects: [{ name: 'a' }] }, { subjects: [{ name: 'b' }] }),
    ).toEqual(['subjects[0].name']);
  });
});

describe('quantities and labels', () => {
  it('parses Kubernetes quantities', () => {
    expect(parseQuantity('500m')).toBe(0.5);
    expect(parseQuantity('4Gi')).toBe(4 * 2 ** 30);
    expect(parseQuantity('1e3')).toBe(1000);
    expect(parseQuantity('four')).toBeUndefined();
  });

  it('turns entity refs into valid label values', () => {
    expect(labelValue('group:default/team-storefront')).toBe(
      'group.default.team-storefront',
    );
    const long = labelValue(`user:default/${'x'.repeat(80)}`);
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).toMatch(/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/);
  });
});
