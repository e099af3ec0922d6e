import { AuditorService, HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { JsonObject } from '@backstage/types';
import {
  isEnvironmentPhase,
  MAX_PAGE_SIZE,
  parseCreateEnvironmentRequest,
} from '@envkit/plugin-environments-common';
import express from 'express';
import { ListEnvironmentsOptions } from '../database/EnvironmentStore';
import { createOpenApiRouter } from '../schema/openapi/generated/router';
import { EnvironmentOperations } from './EnvironmentOperations';

export interface RouterOptions {
  environments: EnvironmentOperations;
  httpAuth: HttpAuthService;
  auditor: AuditorService;
}

/** The raw query string values: nothing coerced them to the documented types. */
type RawQuery = Record<string, unknown>;

function optionalString(
  query: RawQuery,
  field: string,
): string | undefined {
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

/** Runs a write as an audited operation: one audit event with its outcome. */
async function audited<T>(
  auditor: AuditorService,
  req: express.Request,
  eventId: string,
  meta: JsonObject,
  fn: () => Promise<T>,
  severityLevel: 'low' | 'medium' | 'high' = 'medium',
): Promise<T> {
  const auditorEvent = await auditor.createEvent({
    eventId,
    severityLevel,
    request: req,
    meta,
  });
  try {
    const result = await fn();
    await auditorEvent.success();
    return result;
  } catch (error) {
    await auditorEvent.fail({ error: error as Error });
    throw error;
  }
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
  const { environments, httpAuth, auditor } = options;
  // Typed by openapi.yaml. Requests are checked by the parsers here rather
  // than by the document's validator, because every 400 must name the field
  // in the wording clients and the bad-input suite rely on (`limit: must be
  // a whole number from 1 to 1000`); openapi.test.ts keeps the two in step.
  const router = await createOpenApiRouter({
    middleware: [express.json({ limit: '256kb' })],
    validatorOptions: { validateRequests: false, validateSecurity: false },
  });

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
    const { environment } = await audited(
      auditor,
      req,
      'environment-create',
      {
        name: String(req.body?.name ?? ''),
        templateRef: String(req.body?.templateRef ?? ''),
      },
      async () => {
        const credentials = await httpAuth.credentials(req, {
          allow: ['user'],
        });
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

  router.get('/environments/:id', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    res.json(await environments.get(req.params.id, credentials));
  });

  router.patch('/environments/:id', async (req, res) => {
    const id = req.params.id;
    const environment = await audited(
      auditor,
      req,
      'environment-update',
      {
        environmentId: id,
        inputs: Object.keys(req.body?.inputs ?? {}),
      },
      async () => {
        const credentials = await httpAuth.credentials(req, {
          allow: ['user'],
        });
        const body = requireObject(req.body, 'body');
        const unknown = Object.keys(body).filter(k => k !== 'inputs');
        if (unknown.length) {
          throw new InputError(`${unknown[0]}: only inputs can be changed`);
        }
        const inputs = requireObject(body.inputs, 'inputs');
        return environments.updateInputs(id, inputs, credentials);
      },
    );
    res.status(202).json(environment);
  });

  router.get('/environments/:id/events', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    res.json({ items: await environments.events(req.params.id, credentials) });
  });

  router.post('/environments/:id/extend', async (req, res) => {
    const id = req.params.id;
    const environment = await audited(
      auditor,
      req,
      'environment-extend',
      { environmentId: id, ttl: String(req.body?.ttl ?? '') },
      async () => {
        const credentials = await httpAuth.credentials(req, {
          allow: ['user'],
        });
        const ttl = req.body?.ttl;
        if (typeof ttl !== 'string') {
          throw new InputError(
            "ttl: required, an ISO-8601 duration such as 'PT8H'",
          );
        }
        return environments.extend(id, ttl, credentials);
      },
    );
    res.json(environment);
  });

  router.post('/environments/:id/upgrade', async (req, res) => {
    const id = req.params.id;
    const environment = await audited(
      auditor,
      req,
      'environment-upgrade',
      { environmentId: id },
      async () => {
        const credentials = await httpAuth.credentials(req, {
          allow: ['user'],
        });
        return environments.upgrade(id, credentials);
      },
    );
    res.status(202).json(environment);
  });

  router.post('/environments/:id/redeploy', async (req, res) => {
    const id = req.params.id;
    const environment = await audited(
      auditor,
      req,
      'environment-redeploy',
      { environmentId: id },
      async () => {
        const credentials = await httpAuth.credentials(req, {
          allow: ['user'],
        });
        return environments.redeploy(id, credentials);
      },
    );
    res.status(202).json(environment);
  });

  router.delete('/environments/:id', async (req, res) => {
    const id = req.params.id;
    const environment = await audited(
      auditor,
      req,
      'environment-destroy',
      { environmentId: id },
      async () => {
        const credentials = await httpAuth.credentials(req, {
          allow: ['user'],
        });
        return environments.destroy(id, credentials);
      },
      'high',
    );
    res.status(202).json(environment);
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
