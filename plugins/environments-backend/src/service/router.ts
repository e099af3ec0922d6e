import {
  AuditorService,
  BackstageCredentials,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { JsonObject } from '@backstage/types';
import {
  isEnvironmentPhase,
  MAX_PAGE_SIZE,
  parseCreateEnvironmentRequest,
} from '@envkit/plugin-environments-common';
import type { DriverAccessGrant } from '@envkit/plugin-environments-node';
import express from 'express';
import { ListEnvironmentsOptions } from '../database/EnvironmentStore';
import { createOpenApiRouter } from '../schema/openapi/generated/router';
import { EnvironmentOperations } from './EnvironmentOperations';
import { requireWriter } from './callers';

export interface RouterOptions {
  environments: EnvironmentOperations;
  httpAuth: HttpAuthService;
  auditor: AuditorService;
}

/** A request on one environment, `/environments/:id…`. */
type IdRequest = express.Request<{ id: string }>;

/** The raw query string values: nothing coerced them to the documented types. */
type RawQuery = Record<string, unknown>;

/**
 * A request field as the audit log records it: text as given, anything else
 * (the request is refused with a 400 later) as its type only, since calling
 * `String()` on a hostile object can throw before the audit event exists.
 */
function auditText(value: unknown): string {
  if (typeof value === 'string') return value;
  return value === undefined || value === null ? '' : `<${typeof value}>`;
}

function optionalString(query: RawQuery, field: string): string | undefined {
  const value = query[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > 512) {
    throw new InputError(`${field}: must be a single non-empty value`);
  }
  return value;
}

function optionalInt(
  query: RawQuery,
  field: string,
  min: number,
  max: number,
): number | undefined {
  const text = optionalString(query, field);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new InputError(
      `${field}: must be a whole number from ${min} to ${max}`,
    );
  }
  return value;
}

function parseListQuery(query: RawQuery): ListEnvironmentsOptions {
  const phase = optionalString(query, 'phase');
  if (phase !== undefined && !isEnvironmentPhase(phase)) {
    throw new InputError(`phase: '${phase.slice(0, 40)}' is not a phase`);
  }
  return {
    owner: optionalString(query, 'owner'),
    template: optionalString(query, 'template'),
    component: optionalString(query, 'component'),
    phase: phase as ListEnvironmentsOptions['phase'],
    limit: optionalInt(query, 'limit', 1, MAX_PAGE_SIZE),
    cursor: optionalString(query, 'cursor'),
  };
}

/**
 * Runs a write (or anything only writers may do) as one audited operation:
 * an audit event with its outcome, the caller's credentials handed to `fn`.
 * Users write, and so may external callers (CI through
 * `backend.auth.externalAccess`); backend plugins only on behalf of a user
 * (see `requireWriter`). `successMeta` adds to the event what the result
 * says, once there is one.
 */
async function auditedWrite<T>(
  options: Pick<RouterOptions, 'auditor' | 'httpAuth'>,
  // Any route's request, however its OpenAPI types narrow it.
  req: express.Request<any, any, any, any>,
  audit: {
    eventId: string;
    meta: JsonObject;
    severityLevel?: 'low' | 'medium' | 'high';
    successMeta?: (result: T) => JsonObject;
  },
  fn: (credentials: BackstageCredentials) => Promise<T>,
): Promise<T> {
  const auditorEvent = await options.auditor.createEvent({
    eventId: audit.eventId,
    severityLevel: audit.severityLevel ?? 'medium',
    request: req,
    meta: audit.meta,
  });
  try {
    const credentials = await options.httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    requireWriter(credentials);
    const result = await fn(credentials);
    await auditorEvent.success(
      audit.successMeta && { meta: audit.successMeta(result) },
    );
    return result;
  } catch (error) {
    await auditorEvent.fail({ error: error as Error });
    throw error;
  }
}

/** At most this many input names go into one audit event. */
const AUDITED_NAMES = 50;

/**
 * The names (never the values) of the inputs a PATCH sends, capped so a
 * hostile body cannot make an audit event of any size.
 */
function auditedNames(inputs: unknown): string[] {
  if (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs)) {
    return [];
  }
  const names = Object.keys(inputs).map(name => name.slice(0, 100));
  return names.length > AUDITED_NAMES
    ? [
        ...names.slice(0, AUDITED_NAMES),
        `(${names.length - AUDITED_NAMES} more)`,
      ]
    : names;
}

function requireObject(body: unknown, field: string): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InputError(`${field}: must be an object`);
  }
  return body as Record<string, unknown>;
}

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { environments, httpAuth } = options;
  // Typed by openapi.yaml. Requests are checked by the parsers here rather
  // than by the document's validator, because every 400 must name the field
  // in the wording clients and the bad-input suite rely on (`limit: must be
  // a whole number from 1 to 1000`); openapi.test.ts keeps the two in step.
  const router = await createOpenApiRouter({
    middleware: [express.json({ limit: '256kb' })],
    validatorOptions: { validateRequests: false, validateSecurity: false },
  });

  /**
   * The handler of an audited write on environment `:id`: audit event
   * `environment-<operation>` (with what `audit.meta` takes from the
   * request), answered `audit.status` (202 by default) with what `write`
   * returns.
   */
  const environmentWrite =
    (
      operation: string,
      write: (
        req: IdRequest,
        credentials: BackstageCredentials,
      ) => Promise<unknown>,
      audit: {
        meta?: (req: IdRequest) => JsonObject;
        severityLevel?: 'medium' | 'high';
        status?: number;
      } = {},
    ) =>
    async (req: IdRequest, res: express.Response) => {
      const environment = await auditedWrite(
        options,
        req,
        {
          eventId: `environment-${operation}`,
          meta: { environmentId: req.params.id, ...audit.meta?.(req) },
          severityLevel: audit.severityLevel,
        },
        credentials => write(req, credentials),
      );
      res.status(audit.status ?? 202).json(environment);
    };

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/environments', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const query = parseListQuery(req.query as RawQuery);
    res.json(await environments.list(query, credentials));
  });

  router.post('/environments', async (req, res) => {
    const key = req.header('idempotency-key');
    if (key !== undefined && (key.length === 0 || key.length > 255)) {
      throw new InputError('Idempotency-Key: must be 1 to 255 characters');
    }
    const meta = {
      name: auditText(req.body?.name),
      templateRef: auditText(req.body?.templateRef),
    };
    const { environment } = await auditedWrite(
      options,
      req,
      { eventId: 'environment-create', meta },
      async credentials => {
        const body = parseCreateEnvironmentRequest(req.body);
        return environments.create(body, credentials, { idempotencyKey: key });
      },
    );
    res
      .status(202)
      .location(`environments/${environment.id}`)
      .json(environment);
  });

  router.post('/environments/preview', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const body = parseCreateEnvironmentRequest(req.body);
    res.json(await environments.preview(body, credentials));
  });

  router.get('/environment-names/:name', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    res.json(await environments.nameAvailability(req.params.name, credentials));
  });

  router.get('/environments/:id', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    res.json(await environments.get(req.params.id, credentials));
  });

  router.patch(
    '/environments/:id',
    environmentWrite(
      'update',
      async (req, credentials) => {
        const body = requireObject(req.body, 'body');
        const unknown = Object.keys(body).filter(k => k !== 'inputs');
        if (unknown.length) {
          throw new InputError(`${unknown[0]}: only inputs can be changed`);
        }
        const inputs = requireObject(body.inputs, 'inputs');
        return environments.updateInputs(req.params.id, inputs, credentials);
      },
      { meta: req => ({ inputs: auditedNames(req.body?.inputs) }) },
    ),
  );

  router.get('/environments/:id/events', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const query = req.query as RawQuery;
    res.json(
      await environments.events(req.params.id, credentials, {
        limit: optionalInt(query, 'limit', 1, MAX_PAGE_SIZE),
        cursor: optionalString(query, 'cursor'),
      }),
    );
  });

  // Credentials: audited whether allowed or not, never cached; the audit
  // event and logs hold who asked and for what, never the kubeconfig.
  router.get('/environments/:id/kubeconfig', async (req, res) => {
    const id = req.params.id;
    const query = req.query as RawQuery;
    res.setHeader('Cache-Control', 'no-store');
    const grant = await auditedWrite<DriverAccessGrant>(
      options,
      req,
      {
        eventId: 'environment-access',
        severityLevel: 'high',
        meta: {
          environmentId: id,
          expirationSeconds: auditText(query.expirationSeconds),
        },
        successMeta: issued => ({
          cluster: issued.cluster,
          namespace: issued.namespace,
          authentication: issued.authentication,
          ...(issued.expiresAt ? { expiresAt: issued.expiresAt } : {}),
        }),
      },
      async credentials => {
        const expirationSeconds = optionalInt(
          query,
          'expirationSeconds',
          600,
          604_800,
        );
        return environments.kubeconfig(id, credentials, { expirationSeconds });
      },
    );
    res.json({ ...grant });
  });

  router.post(
    '/environments/:id/extend',
    environmentWrite(
      'extend',
      async (req, credentials) => {
        const ttl = req.body?.ttl;
        if (typeof ttl !== 'string') {
          throw new InputError(
            `ttl: ${
              ttl === undefined ? 'required' : 'must be text'
            }, an ISO-8601 duration such as 'PT8H'`,
          );
        }
        return environments.extend(req.params.id, ttl, credentials);
      },
      { meta: req => ({ ttl: auditText(req.body?.ttl) }), status: 200 },
    ),
  );

  // Wake now, or with `tonight` Keep awake tonight.
  const tonightOf = (req: IdRequest): unknown => req.body?.tonight ?? false;
  router.post(
    '/environments/:id/wake',
    environmentWrite(
      'wake',
      async (req, credentials) => {
        const tonight = tonightOf(req);
        if (typeof tonight !== 'boolean') {
          throw new InputError('tonight: must be true or false');
        }
        return environments.wake(req.params.id, tonight, credentials);
      },
      { meta: req => ({ tonight: tonightOf(req) === true }) },
    ),
  );

  // Writes that take no body: record the wish, answer 202 with the environment.
  const requestChange = (
    operation: 'upgrade' | 'redeploy' | 'retry' | 'destroy',
  ) =>
    environmentWrite(
      operation,
      (req, credentials) => environments[operation](req.params.id, credentials),
      // Destroying cannot be undone.
      { severityLevel: operation === 'destroy' ? 'high' : 'medium' },
    );
  router.post('/environments/:id/upgrade', requestChange('upgrade'));
  router.post('/environments/:id/redeploy', requestChange('redeploy'));
  router.post('/environments/:id/retry', requestChange('retry'));
  router.delete('/environments/:id', requestChange('destroy'));

  // Decisions on requests waiting for approval; `reason` is required to reject.
  const decide = (operation: 'approve' | 'reject') =>
    environmentWrite(
      operation,
      async (req, credentials) => {
        const id = req.params.id;
        const body =
          req.body === undefined ? {} : requireObject(req.body, 'body');
        const unknown = Object.keys(body).filter(k => k !== 'reason');
        if (unknown.length) {
          throw new InputError(`${unknown[0]}: only a reason can be given`);
        }
        const reason = body.reason;
        if (
          reason !== undefined &&
          (typeof reason !== 'string' || reason.length > 1000)
        ) {
          throw new InputError(
            'reason: must be text of at most 1000 characters',
          );
        }
        const text = typeof reason === 'string' ? reason.trim() : '';
        if (operation === 'reject') {
          if (!text) {
            throw new InputError('reason: required to reject a request');
          }
          return environments.reject(id, text, credentials);
        }
        return environments.approve(id, text || undefined, credentials);
      },
      {
        meta: req => ({ reason: auditText(req.body?.reason).slice(0, 1000) }),
      },
    );
  router.post('/environments/:id/approve', decide('approve'));
  router.post('/environments/:id/reject', decide('reject'));

  router.get('/approvals', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    res.json({ items: await environments.listApprovals(credentials) });
  });

  router.get('/templates', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    res.json({ items: await environments.listTemplates(credentials) });
  });

  router.get('/templates/:namespace/:name', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const { namespace, name } = req.params;
    res.json(
      await environments.getTemplate(
        `environmenttemplate:${namespace}/${name}`,
        credentials,
      ),
    );
  });

  return router;
}
