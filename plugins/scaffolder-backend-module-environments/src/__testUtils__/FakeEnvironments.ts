import type {
  Environment,
  EnvironmentEvent,
  EnvironmentPhase,
} from '@envkit/plugin-environments-common';

/** One request the fake API received. */
export interface RecordedRequest {
  method: string;
  path: string;
  idempotencyKey?: string;
  body?: any;
  caller?: string;
}

export interface FakeRequest {
  method: string;
  path: string;
  headers: Record<string, string | undefined>;
  body?: any;
  /** Who is calling, as the real backend would see it. */
  caller?: string;
}

/**
 * An in-memory stand-in for the environments REST API: environments move
 * Pending, Provisioning, Ready over a few reads, creates honour
 * Idempotency-Key, and a test can make it refuse or fail.
 */
export class FakeEnvironments {
  readonly requests: RecordedRequest[] = [];
  readonly environments = new Map<string, Environment>();
  private readonly events = new Map<string, EnvironmentEvent[]>();
  private readonly reads = new Map<string, number>();
  private readonly keys = new Map<string, string>();
  private nextId = 1;

  /** Reads of an environment before it is Ready. */
  readsUntilReady = 2;
  /** Outputs a Ready environment publishes. */
  outputs: Record<string, string> = {
    endpoint: 'http://fake-alb.sandbox.local',
    cluster: 'envkit-fake',
  };
  /** When set, creates and previews answer 403 with this message. */
  denyCreate?: string;
  /** When set, environments end Failed with this error instead of Ready. */
  failWith?: { reason: string; message: string };

  creates(): RecordedRequest[] {
    return this.requests.filter(
      r => r.method === 'POST' && r.path === '/environments',
    );
  }

  handle(req: FakeRequest): { status: number; body: unknown } {
    const [pathname] = req.path.split('?');
    this.requests.push({
      method: req.method,
      path: pathname,
      idempotencyKey: req.headers['idempotency-key'],
      body: req.body,
      caller: req.caller,
    });
    const error = (status: number, name: string, message: string) => ({
      status,
      body: { error: { name, message } },
    });

    if (req.method === 'POST' && pathname === '/environments') {
      if (this.denyCreate)
        return error(403, 'NotAllowedError', this.denyCreate);
      const scope = `${req.caller ?? 'anyone'}|${
        req.headers['idempotency-key']
      }`;
      const known = req.headers['idempotency-key'] && this.keys.get(scope);
      if (known) return { status: 202, body: this.environments.get(known) };
      const environment = this.draft(req.body, `env-${this.nextId++}`);
      this.environments.set(environment.id, environment);
      this.events.set(environment.id, []);
      this.event(
        environment.id,
        'Requested',
        `Requested from ${req.body.templateRef}`,
      );
      if (req.headers['idempotency-key']) this.keys.set(scope, environment.id);
      return { status: 202, body: environment };
    }
    if (req.method === 'POST' && pathname === '/environments/preview') {
      if (this.denyCreate)
        return error(403, 'NotAllowedError', this.denyCreate);
      return {
        status: 200,
        body: {
          environment: this.draft(req.body, 'preview'),
          resources: [{ name: 'service', driver: 'aws-cloudformation' }],
        },
      };
    }
    if (req.method === 'GET' && pathname === '/environments') {
      const items = [...this.environments.values()];
      return { status: 200, body: { items, totalCount: items.length } };
    }
    const match = pathname.match(/^\/environments\/([^/]+)(\/events)?$/);
    const environment = match && this.environments.get(match[1]);
    if (!match || !environment) {
      return error(404, 'NotFoundError', `No environment at ${pathname}`);
    }
    if (req.method === 'GET' && match[2]) {
      return {
        status: 200,
        body: { items: [...this.events.get(environment.id)!].reverse() },
      };
    }
    if (req.method === 'GET') {
      this.advance(environment);
      return { status: 200, body: environment };
    }
    if (req.method === 'DELETE') {
      this.setPhase(
        environment,
        'Destroyed',
        'Destroyed',
        'Every resource is gone',
      );
      return { status: 202, body: environment };
    }
    return error(405, 'Error', `${req.method} ${pathname} is not faked`);
  }

  /** A `fetch` that answers from this fake, for clients under test. */
  fetch = async (url: string | URL | Request, init?: RequestInit) => {
    const { pathname, search } = new URL(String(url));
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, key) => {
      headers[key] = value;
    });
    const { status, body } = this.handle({
      method: init?.method ?? 'GET',
      path: pathname.replace(/^\/api\/environments/, '') + search,
      headers,
      body: init?.body ? JSON.parse(String(init.body)) : undefined,
      caller: headers.authorization,
    });
    return new Response(JSON.stringify(body), {
      status,
      headers: { 'Content-Type': 'application/json' },
    });
  };

  private draft(body: any, id: string): Environment {
    const now = new Date().toISOString();
    return {
      id,
      createdAt: now,
      updatedAt: now,
      createdBy: 'user:default/mock',
      spec: {
        name: body.name,
        templateRef: body.templateRef,
        templateVersion: '1.0.0',
        templateSnapshot: {} as Environment['spec']['templateSnapshot'],
        inputs: body.inputs ?? {},
        owner: body.owner ?? 'user:default/mock',
        component: body.component,
        generation: 1,
      },
      status: {
        phase: 'Pending',
        conditions: [],
        resources: [],
        outputs: {},
        observedGeneration: 0,
      },
    };
  }

  private advance(environment: Environment) {
    const reads = (this.reads.get(environment.id) ?? 0) + 1;
    this.reads.set(environment.id, reads);
    if (environment.status.phase === 'Pending') {
      this.setPhase(
        environment,
        'Provisioning',
        'Provisioning',
        'Creating stacks',
      );
    } else if (
      environment.status.phase === 'Provisioning' &&
      reads >= this.readsUntilReady
    ) {
      if (this.failWith) {
        environment.status.lastError = this.failWith;
        this.setPhase(
          environment,
          'Failed',
          this.failWith.reason,
          this.failWith.message,
        );
      } else {
        environment.status.outputs = { ...this.outputs };
        this.setPhase(environment, 'Ready', 'Ready', 'Every resource is ready');
      }
    }
  }

  private setPhase(
    environment: Environment,
    phase: EnvironmentPhase,
    reason: string,
    message: string,
  ) {
    environment.status.phase = phase;
    environment.updatedAt = new Date().toISOString();
    this.event(environment.id, reason, message);
  }

  private event(id: string, reason: string, message: string) {
    const list = this.events.get(id)!;
    list.push({
      id: String(list.length + 1),
      at: new Date().toISOString(),
      type: 'Normal',
      reason,
      message,
    });
  }
}
