import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { z } from 'zod';
import { tryParseDuration } from './duration';
import { ENVIRONMENT_TEMPLATE_KIND } from './entity';
import { entityRefText, parseRefOrProblem } from './entityRefs';
import { environmentNameProblem } from './naming';
import { parseOrThrow } from './zodErrors';
import { environmentScheduleSchema } from './schedule';
import type { components } from './schema/openapi/generated';

/** Body of `POST /environments`, as generated from openapi.yaml. @public */
export type CreateEnvironmentRequest =
  components['schemas']['CreateEnvironmentRequest'];

/** A {@link CreateEnvironmentRequest} after parsing: refs in full form, `inputs` present. @public */
export type ParsedCreateEnvironmentRequest = CreateEnvironmentRequest & {
  inputs: Record<string, unknown>;
};

function entityRef(defaultKind: string) {
  return entityRefText.transform((ref, ctx) => {
    const parsed = parseRefOrProblem(ref, defaultKind);
    if ('problem' in parsed) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `'${ref.slice(0, 80)}' is not an entity ref`,
      });
      return z.NEVER;
    }
    return stringifyEntityRef(parsed);
  });
}

/**
 * Zod schema of {@link CreateEnvironmentRequest}. Entity refs come out in
 * full form (`kind:namespace/name`, lowercase kind).
 *
 * @public
 */
export const createEnvironmentRequestSchema = z
  .object({
    name: z.string().superRefine((name, ctx) => {
      const problem = environmentNameProblem(name);
      if (problem) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
      }
    }),
    templateRef: entityRef(ENVIRONMENT_TEMPLATE_KIND),
    inputs: z.record(z.string(), z.unknown()).default({}),
    owner: entityRef('group').optional(),
    component: entityRef('component').optional(),
    ttl: z
      .string()
      .refine(v => tryParseDuration(v) !== undefined, {
        message: "must be an ISO-8601 duration such as 'PT8H' or 'P7D'",
      })
      .optional(),
    // The template's time zone when left out; checked against the
    // template's schedule when the create is prepared.
    schedule: environmentScheduleSchema.partial({ timeZone: true }).optional(),
  })
  .strict();

/**
 * Parses a `POST /environments` body, throwing an `InputError` that names
 * each offending field, e.g. `name: must be lowercase; try 'my-env'`.
 *
 * @public
 */
export function parseCreateEnvironmentRequest(
  body: unknown,
): ParsedCreateEnvironmentRequest {
  // JSON can carry an own `__proto__` key, which copying into a fresh object
  // would turn into a prototype change and lose; refuse it by name instead.
  const inputs = (body as { inputs?: unknown } | undefined)?.inputs;
  if (inputs && typeof inputs === 'object') {
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      if (Object.prototype.hasOwnProperty.call(inputs, key)) {
        throw new InputError(`inputs.${key}: is not an input name`);
      }
    }
  }
  return parseOrThrow(createEnvironmentRequestSchema, body);
}
