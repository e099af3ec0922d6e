import { Entity } from '@backstage/catalog-model';
import type { EnvironmentSummary } from '@envkit/plugin-environments-common';
import { ENVIRONMENTS_LOCATION, locationAnnotations } from '../locations';

/** Annotation holding the environment's id in the environments API. @public */
export const ANNOTATION_ENVIRONMENT_ID = 'envkit.io/environment-id';
/** Annotation holding the EnvironmentTemplate ref it was made from. @public */
export const ANNOTATION_TEMPLATE = 'envkit.io/template';
/**
 * Annotation holding the user who created the environment. With
 * `spec.owner` it decides who may read the entity (see the catalog rule
 * `IS_ENVIRONMENT_OWNER`).
 *
 * @public
 */
export const ANNOTATION_CREATED_BY = 'envkit.io/created-by';
/** Label holding the environment's phase, for filtering. */
export const LABEL_PHASE = 'envkit.io/phase';

/**
 * Annotations that point the stock Backstage Kubernetes plugin at a
 * namespace environment: its namespace and the label the
 * kubernetes-namespace driver puts on every object it makes there, pods
 * included. Other environments get none, so they get no Kubernetes tab.
 */
function kubernetesAnnotations(
  environment: EnvironmentSummary,
): Record<string, string> {
  const namespace = environment.status.outputs?.namespace;
  if (environment.spec.templateType !== 'namespace' || !namespace) return {};
  return {
    'backstage.io/kubernetes-namespace': namespace,
    'backstage.io/kubernetes-label-selector':
      'app.kubernetes.io/managed-by=envkit',
  };
}

/** An endpoint as a link target; bare host names get `http://`. */
function endpointUrl(endpoint: string | undefined): string | undefined {
  if (!endpoint) return undefined;
  if (/^https?:\/\//i.test(endpoint)) return endpoint;
  if (/^[a-z0-9.-]+(:\d+)?(\/.*)?$/i.test(endpoint))
    return `http://${endpoint}`;
  return undefined;
}

/**
 * The catalog entity of an environment: a `Resource` of type `environment`
 * named after it, owned by its owner and a dependency of its component.
 *
 * @public
 */
export function environmentToEntity(environment: EnvironmentSummary): Entity {
  const { spec, status } = environment;
  // An environment being destroyed offers no endpoint, as its card does.
  const url =
    status.phase === 'Destroying'
      ? undefined
      : endpointUrl(status.outputs?.endpoint);
  const family = spec.templateType;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: spec.name,
      namespace: 'default',
      title: spec.name,
      description: `Environment from ${spec.templateRef}@${spec.templateVersion}, ${status.phase}`,
      annotations: {
        ...locationAnnotations(ENVIRONMENTS_LOCATION),
        [ANNOTATION_ENVIRONMENT_ID]: environment.id,
        [ANNOTATION_TEMPLATE]: spec.templateRef,
        ...(environment.createdBy
          ? { [ANNOTATION_CREATED_BY]: environment.createdBy }
          : {}),
        ...kubernetesAnnotations(environment),
      },
      labels: { [LABEL_PHASE]: status.phase },
      tags: ['envkit', ...(family ? [family] : [])],
      ...(url
        ? { links: [{ url, title: 'Endpoint', icon: 'dashboard' }] }
        : {}),
    },
    spec: {
      type: 'environment',
      owner: spec.owner,
      ...(spec.component ? { dependencyOf: [spec.component] } : {}),
    },
  };
}
