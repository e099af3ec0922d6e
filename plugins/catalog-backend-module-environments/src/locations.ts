import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
} from '@backstage/catalog-model';

/** The location every environment entity is said to come from. @public */
export const ENVIRONMENTS_LOCATION = 'envkit:environments';
/** The location every generated Template is said to come from. @public */
export const GENERATED_TEMPLATES_LOCATION = 'envkit:environment-templates';

/**
 * The annotations of an entity one of the module's providers makes: it comes
 * from `location`, which is also where it originates.
 */
export function locationAnnotations(location: string): Record<string, string> {
  return {
    [ANNOTATION_LOCATION]: location,
    [ANNOTATION_ORIGIN_LOCATION]: location,
  };
}
