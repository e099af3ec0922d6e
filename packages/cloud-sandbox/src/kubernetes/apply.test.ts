import {
  fromFieldsV1,
  leafPaths,
  mergePatch,
  recordUpdate,
  serverSideApply,
  toFieldsV1,
} from './apply';
import { KubeError } from './status';
import type { KubeObject } from './store';

const deployment = (replicas: number, image = 'nginx:1.27'): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default' } as KubeObject['metadata'],
  spec: {
    replicas,
    template: { spec: { containers: [{ name: 'web', image }] } },
  },
});

describe('server-side apply', () => {
  it('tracks the fields each manager applied', () => {
    const created = serverSideApply(undefined, deployment(2), {
      manager: 'driver',
      force: false,
    });
    expect(created.metadata.managedFields).toEqual([
      expect.objectContaining({
        manager: 'driver',
        operation: 'Apply',
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:spec': {
            'f:replicas': {},
            'f:template': { 'f:spec': { 'f:containers': {} } },
          },
        },
      }),
    ]);
  });

  it('reports every conflicting field of an updater, grouped by manager', () => {
    const created = serverSideApply(undefined, deployment(2), {
      manager: 'driver',
      force: false,
    });
    const scaled = mergePatch(created, { spec: { replicas: 5 } }) as KubeObject;
    scaled.metadata.managedFields = recordUpdate(
      created,
      scaled,
      'kubectl-scale',
    );
    let error: KubeError | undefined;
    try {
      serverSideApply(scaled, deployment(3, 'nginx:1.28'), {
        manager: 'other',
        force: false,
      });
    } catch (e) {
      error = e as KubeError;
    }
    expect(error?.status.code).toBe(409);
    expect(error?.status.message).toBe(
      'Apply failed with 2 conflicts: conflicts with "driver":\n- .spec.template.spec.containers\nconflicts with "kubectl-scale" using apps/v1:\n- .spec.replicas',
    );
  });

  it('lets the same manager change its fields and removes fields it stops applying', () => {
    const withLabel = deployment(2);
    withLabel.metadata.labels = { tier: 'web' };
    const created = serverSideApply(undefined, withLabel, {
      manager: 'driver',
      force: false,
    });
    const updated = serverSideApply(created, deployment(4), {
      manager: 'driver',
      force: false,
    });
    expect((updated.spec as { replicas: number }).replicas).toBe(4);
    expect(updated.metadata.labels).toBeUndefined();
  });

  it('round-trips field sets through FieldsV1', () => {
    const paths = leafPaths({
      metadata: { labels: { a: '1' } },
      spec: { x: 1, y: { z: [1] } },
    });
    expect(fromFieldsV1(toFieldsV1(paths))).toEqual(paths);
  });
});
