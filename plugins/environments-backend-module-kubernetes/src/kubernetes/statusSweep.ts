import type { ClusterClient, KubeObject, ObjectRef } from './clusterClient';
import { LABELS, type Manifest } from './manifests';
import { callCluster, readObject, type Target } from './target';

/**
 * The kinds a status check reads from the shared cluster-wide lists. A new
 * kind the driver creates joins with one line here (and `list` on it in the
 * documented ClusterRole). Secrets are left out on purpose: listing Secrets
 * would hand the driver every labelled Secret's data, so the one Secret it
 * writes is still read by name.
 */
export const SWEPT_KINDS: ReadonlyArray<
  Pick<ObjectRef, 'apiVersion' | 'kind'>
> = [
  { apiVersion: 'v1', kind: 'Namespace' },
  { apiVersion: 'v1', kind: 'ResourceQuota' },
  { apiVersion: 'v1', kind: 'LimitRange' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding' },
  { apiVersion: 'v1', kind: 'ServiceAccount' },
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' },
];

/** Settings of the shared lists (`environments.kubernetes.statusSweep`). @public */
export interface StatusSweepOptions {
  /**
   * How long one list of a kind serves the status checks of every
   * environment on its cluster. 0 shares only lists still being read.
   * Default 15 000 (half the engine's default observe interval).
   */
  maxAgeMs?: number;
  /** Objects per list page (`limit`). Default 1000. */
  pageSize?: number;
}

export const STATUS_SWEEP_DEFAULTS = { maxAgeMs: 15_000, pageSize: 1000 };

const typeKey = (t: Pick<ObjectRef, 'apiVersion' | 'kind'>) =>
  `${t.apiVersion}/${t.kind}`;
const objectKey = (namespace: string | undefined, name: string) =>
  `${namespace ?? ''}/${name}`;
const SWEPT = new Set(SWEPT_KINDS.map(typeKey));

interface Listing {
  takenAt: number;
  settled: boolean;
  objects: Promise<Map<string, KubeObject>>;
}

/**
 * What every environment's objects look like on a cluster, read with one
 * paginated list per kind by the environment label and shared by all status
 * checks on that cluster for `maxAgeMs`. A sweep of N environments then
 * costs about one call per kind and page instead of one read per object.
 * A kind is listed only once some check asks for it, so a fleet without
 * workloads never lists Deployments.
 */
export class ClusterStatusSweep {
  private readonly listings = new Map<string, Listing>();
  private readonly maxAgeMs: number;
  private readonly pageSize: number;

  constructor(
    options: StatusSweepOptions = {},
    private readonly onListFailure?: (
      cluster: string,
      kind: string,
      error: unknown,
    ) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.maxAgeMs = options.maxAgeMs ?? STATUS_SWEEP_DEFAULTS.maxAgeMs;
    this.pageSize = options.pageSize ?? STATUS_SWEEP_DEFAULTS.pageSize;
  }

  /** Whether objects of this kind are read from the shared lists. */
  covers(ref: Pick<ObjectRef, 'apiVersion' | 'kind'>): boolean {
    return SWEPT.has(typeKey(ref));
  }

  /**
   * The object as the current list of its kind has it, or `undefined` when
   * the list does not hold it (missing, or not labelled for an
   * environment). Rejects when the list call fails.
   */
  async lookup(
    api: ClusterClient,
    ref: ObjectRef,
  ): Promise<KubeObject | undefined> {
    const key = `${api.cluster.name}|${typeKey(ref)}`;
    const now = this.now();
    let listing = this.listings.get(key);
    // A list still being read is shared whatever its age.
    if (
      !listing ||
      (listing.settled && now - listing.takenAt >= this.maxAgeMs)
    ) {
      const taken: Listing = {
        takenAt: now,
        settled: false,
        objects: this.list(api, ref),
      };
      taken.objects.then(
        () => {
          taken.settled = true;
        },
        error => {
          // A failed list is remembered as long as a good one would be, so
          // that the checks in between read objects one by one without each
          // trying the list again.
          taken.settled = true;
          this.onListFailure?.(api.cluster.name, ref.kind, error);
        },
      );
      this.listings.set(key, taken);
      listing = taken;
    }
    const objects = await listing.objects;
    return objects.get(objectKey(ref.metadata.namespace, ref.metadata.name));
  }

  private async list(
    api: ClusterClient,
    type: Pick<ObjectRef, 'apiVersion' | 'kind'>,
  ): Promise<Map<string, KubeObject>> {
    const objects = new Map<string, KubeObject>();
    let token: string | undefined;
    do {
      const page = await api.listPage(type, {
        labelSelector: LABELS.environment,
        limit: this.pageSize,
        continue: token,
      });
      for (const item of page.items) {
        // Field ownership is never checked; dropping it halves what is kept.
        delete item.metadata.managedFields;
        objects.set(
          objectKey(item.metadata.namespace, item.metadata.name),
          item,
        );
      }
      token = page.continue;
    } while (token);
    return objects;
  }
}

/**
 * Reads an object for a status check: from the shared list of its kind, or
 * by name for a kind that is not listed.
 */
export function sweptRead(
  sweep: ClusterStatusSweep,
  target: Target,
  manifest: Manifest,
): Promise<KubeObject | undefined> {
  if (!sweep.covers(manifest)) return readObject(target, manifest);
  return callCluster(target, `list ${manifest.kind} objects`, () =>
    sweep.lookup(target.api, manifest),
  );
}
