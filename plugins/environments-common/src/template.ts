import { Entity } from '@backstage/catalog-model';
import type { JsonObject, JsonValue } from '@backstage/types';
import { InputError } from '@backstage/errors';
import { z } from 'zod';
import { tryParseDuration } from './duration';
import {
  ENVIRONMENT_TEMPLATE_API_VERSION,
  ENVIRONMENT_TEMPLATE_KIND,
} from './entity';
import { entityRefText, parseRefOrProblem } from './entityRefs';
import { parameterDefinitionProblems } from './inputs';
import { validateReferences } from './interpolation';
import { dnsLabelProblem, MAX_RESOURCE_NAME_LENGTH } from './naming';
import { validateResourceGraph } from './resourceGraph';
import { EnvironmentSchedule, environmentScheduleSchema } from './schedule';
import { isSemver } from './semver';
import { formatPath, parseOrThrow } from './zodErrors';

/** How a parameter may be set by developers. @public */
export type ParameterPolicy = 'locked' | 'overridable' | 'restricted';

/**
 * One developer input of a template, in a JSON-Schema-like form.
 * `envkit:policy`: `locked` fixes it to `default`; `overridable` (the
 * default policy) lets developers change the default; `restricted` limits it
 * to `enum`. `secret` inputs may be used by resources but never published in
 * outputs. Keys starting with `ui:` are kept for form rendering.
 *
 * @public
 */
export type EnvironmentTemplateParameter = {
  type: 'string' | 'number' | 'integer' | 'boolean';
  title?: string;
  description?: string;
  default?: string | number | boolean;
  enum?: Array<string | number | boolean>;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  'envkit:policy'?: ParameterPolicy;
  secret?: boolean;
  [uiKey: `ui:${string}`]: JsonValue | undefined;
};

/** The developer inputs a template takes. @public */
export type EnvironmentTemplateParameters = {
  properties: { [name: string]: EnvironmentTemplateParameter };
  required?: string[];
};

/** One resource of a template, provisioned by the named driver. @public */
export type EnvironmentTemplateResource = {
  /** A DNS-1123 label, unique in the template. */
  name: string;
  /** The id of the driver that provisions it, e.g. `aws-cloudformation`. */
  driver: string;
  /** Names of resources that must be applied first. */
  dependsOn?: string[];
  /** Driver parameters; strings may hold `${{ … }}` expressions. */
  parameters?: JsonObject;
};

/** Limits on environments made from a template. @public */
export type EnvironmentTemplateGuardrails = {
  /** ISO-8601 durations, e.g. `{ default: 'PT8H', max: 'P7D' }`. */
  ttl?: { default: string; max: string };
  /**
   * The longest an environment may live, counted from its creation, however
   * often it is extended: an ISO-8601 duration, e.g. `{ max: 'P14D' }`.
   */
  lifetime?: { max: string };
  maxEnvironmentsPerOwner?: number;
  /** User entity refs allowed to use the template. */
  allowedUsers?: string[];
  /** Group entity refs whose members may use the template. */
  allowedGroups?: string[];
  /** Whether new environments wait for a decision; see {@link EnvironmentApprovalGuardrail}. */
  approval?: EnvironmentApprovalGuardrail;
  /**
   * When environments are awake; asleep their services run no tasks. An
   * environment may narrow it, never widen it.
   */
  schedule?: EnvironmentSchedule;
  /** A monthly budget per owner for environments from this template. */
  budget?: EnvironmentBudgetGuardrail;
};

/**
 * The most an owner's environments from a template may cost a month, at
 * list prices on their schedules. A create or change that would pass it is
 * refused, or with `whenExceeded: 'approval'` waits for the template's
 * approvers (`guardrails.approval`).
 *
 * @public
 */
export type EnvironmentBudgetGuardrail = {
  /** In USD. */
  monthlyPerOwner: number;
  whenExceeded?: 'refuse' | 'approval';
};

/**
 * Approval of new environments. `required: 'always'` makes every create wait
 * in `AwaitingApproval` until a member of `approvers` (a Group ref) other
 * than the requester approves or rejects it; `required: 'aboveMonthlyCost'`
 * only when the projected monthly cost is above `aboveMonthlyCost`.
 *
 * @public
 */
export type EnvironmentApprovalGuardrail = {
  /**
   * `always`: every new environment waits. `aboveMonthlyCost`: only those
   * whose projected monthly cost (the create's estimate) is above
   * `aboveMonthlyCost`, or that could not be fully estimated.
   */
  required: 'always' | 'aboveMonthlyCost';
  /** The monthly cost in USD above which approval is needed. */
  aboveMonthlyCost?: number;
  /** Group entity ref whose members decide, e.g. `group:default/platform-team`. */
  approvers: string;
  /**
   * ISO-8601 duration after which an undecided request is rejected; the
   * backend's `environments.approvals.expiresAfter` (default P2D) if absent.
   */
  expiresAfter?: string;
};

/**
 * What happens to a half-created environment that fails: `rollback`
 * destroys what was made, `keep` leaves it for inspection.
 *
 * @public
 */
export type FailurePolicy = 'rollback' | 'keep';

/** The spec of an EnvironmentTemplate entity. @public */
export type EnvironmentTemplateSpec = {
  /** Template family, e.g. `ecs` or `namespace`. */
  type: string;
  /** Semantic version; environments pin it. */
  version: string;
  /** Entity ref of the owning group. */
  owner: string;
  parameters: EnvironmentTemplateParameters;
  resources: EnvironmentTemplateResource[];
  /** Published values, usually `${{ resources.<name>.outputs.<key> }}`. */
  outputs: { [name: string]: string };
  guardrails?: EnvironmentTemplateGuardrails;
  failurePolicy?: FailurePolicy;
  /**
   * Whether environments may be "upgraded" to this version when it is older
   * than the one they run (e.g. after a release was withdrawn). Refused by
   * default.
   */
  allowDowngrade?: boolean;
};

/** An EnvironmentTemplate catalog entity. @public */
export interface EnvironmentTemplateEntity extends Entity {
  apiVersion: typeof ENVIRONMENT_TEMPLATE_API_VERSION;
  kind: typeof ENVIRONMENT_TEMPLATE_KIND;
  spec: EnvironmentTemplateSpec;
}

/** Largest serialized template accepted, in bytes of JSON. @public */
export const MAX_TEMPLATE_SIZE_BYTES = 1024 * 1024;
/** Most resources in one template. @public */
export const MAX_TEMPLATE_RESOURCES = 50;
/** Most parameters in one template. @public */
export const MAX_TEMPLATE_PARAMETERS = 100;

const FORBIDDEN_KEYS = new Set(['__proto__', 'prototype', 'constructor']);

function identifierProblem(name: string): string | undefined {
  if (name.length === 0 || name.length > 64) return 'must be 1-64 characters';
  if (FORBIDDEN_KEYS.has(name)) return `'${name}' is not allowed as a name`;
  for (let i = 0; i < name.length; i++) {
    const c = name[i];
    const letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    const ok = letter || c === '_' || (i > 0 && c >= '0' && c <= '9');
    if (!ok) {
      return `'${name}' must start with a letter or '_' and contain only letters, digits and '_'`;
    }
  }
  return undefined;
}

const identifierKey = z.string().superRefine((name, ctx) => {
  const problem = identifierProblem(name);
  if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
});

/**
 * A record keyed by identifiers. zod 4 silently drops an own `__proto__`
 * key (JSON can carry one), so names are checked before the record is.
 */
function identifierRecord<T extends z.ZodType>(value: T) {
  return z
    .unknown()
    .superRefine((record, ctx) => {
      if (!record || typeof record !== 'object') return;
      for (const name of Object.keys(record)) {
        if (FORBIDDEN_KEYS.has(name)) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            path: [name],
            message: `'${name}' is not allowed as a name`,
          });
        }
      }
    })
    .pipe(z.record(identifierKey, value));
}

function entityRefSchema(defaultKind: string, expectKind?: string) {
  return entityRefText.superRefine((ref, ctx) => {
    const parsed = parseRefOrProblem(ref, defaultKind);
    if ('problem' in parsed) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `'${ref}' is not an entity ref: ${parsed.problem}`,
      });
    } else if (expectKind && parsed.kind.toLowerCase() !== expectKind) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `'${ref}' must refer to a ${expectKind}`,
      });
    }
  });
}

const scalar = z.union([z.string(), z.number(), z.boolean()]);

const KNOWN_PARAMETER_KEYS = new Set([
  'type',
  'title',
  'description',
  'default',
  'enum',
  'minimum',
  'maximum',
  'pattern',
  'minLength',
  'maxLength',
  'envkit:policy',
  'secret',
]);

const parameterSchema = z
  .object({
    type: z.enum(['string', 'number', 'integer', 'boolean']),
    title: z.string().max(200).optional(),
    description: z.string().max(2000).optional(),
    default: scalar.optional(),
    enum: z.array(scalar).min(1).max(500).optional(),
    minimum: z.number().finite().optional(),
    maximum: z.number().finite().optional(),
    pattern: z.string().max(500).optional(),
    minLength: z.number().int().nonnegative().optional(),
    maxLength: z.number().int().nonnegative().optional(),
    'envkit:policy': z.enum(['locked', 'overridable', 'restricted']).optional(),
    secret: z.boolean().optional(),
  })
  .catchall(z.unknown())
  .superRefine((p, ctx) => {
    for (const key of Object.keys(p)) {
      if (!KNOWN_PARAMETER_KEYS.has(key) && !key.startsWith('ui:')) {
        ctx.addIssue({
          code: z.ZodIssueCode.unrecognized_keys,
          keys: [key],
          path: [key],
          message: `unknown parameter property '${key}'`,
        });
      }
    }
  });

const dnsLabel = (max: number) =>
  z.string().superRefine((value, ctx) => {
    const problem = dnsLabelProblem(value, max);
    if (problem)
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
  });

const driverId = z.string().superRefine((value, ctx) => {
  if (dnsLabelProblem(value, 63)) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: `driver id '${value.slice(
        0,
        64,
      )}' must be lowercase letters, digits and '-', like 'aws-cloudformation'`,
    });
  }
});

const duration = z.string().refine(v => tryParseDuration(v) !== undefined, {
  message: "must be an ISO-8601 duration such as 'PT8H' or 'P7D'",
});

const specSchema = z
  .object({
    type: dnsLabel(63),
    version: z
      .string()
      .refine(isSemver, { message: 'must be a semantic version like 1.2.0' }),
    owner: entityRefSchema('group'),
    parameters: z
      .object({
        properties: identifierRecord(parameterSchema)
          .refine(p => Object.keys(p).length <= MAX_TEMPLATE_PARAMETERS, {
            message: `at most ${MAX_TEMPLATE_PARAMETERS} parameters`,
          })
          .default({}),
        required: z.array(z.string()).optional(),
      })
      .strict()
      .default({ properties: {} }),
    resources: z
      .array(
        z
          .object({
            name: dnsLabel(MAX_RESOURCE_NAME_LENGTH),
            driver: driverId,
            dependsOn: z
              .array(z.string())
              .max(MAX_TEMPLATE_RESOURCES)
              .optional(),
            parameters: z.record(z.string(), z.any()).optional(),
          })
          .strict(),
      )
      .min(1, { message: 'a template needs at least one resource' })
      .max(MAX_TEMPLATE_RESOURCES),
    outputs: identifierRecord(z.string().max(4096)).default({}),
    guardrails: z
      .object({
        ttl: z
          .object({ default: duration, max: duration })
          .strict()
          .refine(
            t => tryParseDuration(t.default)! <= tryParseDuration(t.max)!,
            {
              message: 'default must not be longer than max',
              path: ['default'],
            },
          )
          .optional(),
        lifetime: z.object({ max: duration }).strict().optional(),
        maxEnvironmentsPerOwner: z.number().int().positive().optional(),
        allowedUsers: z.array(entityRefSchema('user', 'user')).optional(),
        allowedGroups: z.array(entityRefSchema('group', 'group')).optional(),
        approval: z
          .object({
            required: z.enum(['always', 'aboveMonthlyCost']),
            aboveMonthlyCost: z.number().positive().optional(),
            approvers: entityRefSchema('group', 'group'),
            expiresAfter: duration.optional(),
          })
          .strict()
          .refine(
            a => a.required !== 'aboveMonthlyCost' || a.aboveMonthlyCost,
            {
              message:
                "required when required is 'aboveMonthlyCost' (a monthly cost in USD)",
              path: ['aboveMonthlyCost'],
            },
          )
          .optional(),
        schedule: environmentScheduleSchema.optional(),
        budget: z
          .object({
            monthlyPerOwner: z.number().nonnegative(),
            whenExceeded: z.enum(['refuse', 'approval']).optional(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .refine(
        g => g.budget?.whenExceeded !== 'approval' || g.approval !== undefined,
        {
          message:
            "whenExceeded 'approval' needs guardrails.approval to name the approvers",
          path: ['budget', 'whenExceeded'],
        },
      )
      .optional(),
    failurePolicy: z.enum(['rollback', 'keep']).optional(),
    allowDowngrade: z.boolean().optional(),
  })
  .strict();

const entitySchema = z
  .object({
    apiVersion: z.literal(ENVIRONMENT_TEMPLATE_API_VERSION),
    kind: z.literal(ENVIRONMENT_TEMPLATE_KIND),
    metadata: z
      .object({
        name: z.string().min(1).max(63),
        namespace: z.string().min(1).max(63).optional(),
        title: z.string().max(200).optional(),
        description: z.string().max(4000).optional(),
      })
      .passthrough(),
    spec: specSchema,
  })
  .passthrough();

/** Options of {@link validateEnvironmentTemplate}. @public */
export interface ValidateEnvironmentTemplateOptions {
  /** When given, every `resources[].driver` must be one of these ids. */
  knownDrivers?: Iterable<string>;
  /** When given, `spec.type` must be one of these families. */
  knownTypes?: Iterable<string>;
}

function serializedSize(entity: unknown): number {
  let json: string | undefined;
  try {
    json = JSON.stringify(entity);
  } catch {
    throw new InputError('template: cannot be serialized as JSON');
  }
  return new TextEncoder().encode(json ?? '').length;
}

/**
 * Validates an EnvironmentTemplate entity and returns it parsed (defaults
 * filled in), or throws an `InputError` whose message names the offending
 * field path, e.g. `spec.resources[1].dependsOn: unknown resource 'db'`.
 *
 * @remarks
 * Checks, in order: size (at most {@link MAX_TEMPLATE_SIZE_BYTES} of JSON),
 * shape and formats (semver version, entity refs, DNS-1123 resource names,
 * driver ids, ISO-8601 TTLs), parameter declarations (locked needs a default,
 * restricted an enum, defaults obey their rules), the resource graph (unique
 * names, known `dependsOn`, no cycles) and every `${{ … }}` reference.
 *
 * @public
 */
export function validateEnvironmentTemplate(
  entity: unknown,
  options: ValidateEnvironmentTemplateOptions = {},
): EnvironmentTemplateEntity {
  const size = serializedSize(entity);
  if (size > MAX_TEMPLATE_SIZE_BYTES) {
    throw new InputError(
      `template: is ${size} bytes serialized; templates may be at most ${MAX_TEMPLATE_SIZE_BYTES} bytes`,
    );
  }
  const parsed = parseOrThrow(
    entitySchema,
    entity,
  ) as EnvironmentTemplateEntity;
  const spec = parsed.spec;

  const problems = parameterDefinitionProblems(spec.parameters);
  if (problems.length) {
    throw new InputError(
      problems
        .map(([path, message]) => `spec.parameters.${path}: ${message}`)
        .join('; '),
    );
  }

  if (options.knownTypes) {
    const types = [...options.knownTypes];
    if (!types.includes(spec.type)) {
      throw new InputError(
        `spec.type: unknown template type '${
          spec.type
        }'; known types: ${types.join(', ')}`,
      );
    }
  }
  if (options.knownDrivers) {
    const drivers = [...options.knownDrivers];
    spec.resources.forEach((r, i) => {
      if (!drivers.includes(r.driver)) {
        throw new InputError(
          `${formatPath(['spec', 'resources', i, 'driver'])}: no driver '${
            r.driver
          }' is registered; registered drivers: ${
            drivers.join(', ') || 'none'
          }`,
        );
      }
    });
  }

  validateResourceGraph(spec.resources, 'spec.resources');
  validateReferences(spec, 'spec');
  return parsed;
}

/** Whether `entity` is an EnvironmentTemplate by apiVersion and kind. @public */
export function isEnvironmentTemplateEntity(
  entity: Entity,
): entity is EnvironmentTemplateEntity {
  return (
    entity.apiVersion === ENVIRONMENT_TEMPLATE_API_VERSION &&
    entity.kind === ENVIRONMENT_TEMPLATE_KIND
  );
}
