/**
 * The HTTP face of the controls, so tests in other processes can drive a
 * running sandbox: JSON in, JSON out, under `/_sandbox/`.
 */
import type { SandboxControls } from './controls';
import type { EndpointDirectory } from './endpoints';
import {
  endpointStatus,
  renderEndpointPage,
  renderUnknownEndpoint,
} from './endpoints';
import type { ServiceName } from './faults';
import { json, type SandboxRequest, type SandboxResponse } from './http';
import type { ProfileName } from './profiles';

type Body = Record<string, unknown>;

function body(req: SandboxRequest): Body {
  if (req.body.length === 0) return {};
  const parsed: unknown = JSON.parse(req.body.toString('utf8'));
  return parsed && typeof parsed === 'object' ? (parsed as Body) : {};
}

// Body fields a test may leave out, passed on as undefined.
const optionalString = (v: unknown) =>
  v === undefined ? undefined : String(v);
const optionalNumber = (v: unknown) =>
  v === undefined ? undefined : Number(v);

const ok = (extra: Body = {}) => json(200, { ok: true, ...extra });

/** The controls that change something and answer `{ ok: true }`. */
function commands(
  controls: SandboxControls,
): Record<string, (b: Body) => void> {
  return {
    'POST /reset': () => controls.reset(),
    'DELETE /calls': () => controls.resetCalls(),
    'DELETE /faults': () => controls.clearFaults(),
    'POST /faults/throttle': b =>
      controls.throttle({
        service: String(b.service) as ServiceName,
        action: optionalString(b.action),
        count: optionalNumber(b.count),
        percent: optionalNumber(b.percent),
      }),
    'POST /faults/latency': b =>
      controls.addLatency(String(b.service) as ServiceName, Number(b.ms ?? 0)),
    'POST /faults/resource-failure': b =>
      controls.failResourceType(
        String(b.resourceType),
        optionalString(b.reason),
      ),
    'POST /faults/task-failure': b =>
      controls.failServiceTasks(String(b.service), optionalString(b.reason)),
    'POST /faults/image-failure': b =>
      controls.failImageTasks(String(b.image), optionalString(b.reason)),
    'POST /faults/task-hold': b => controls.holdServiceTasks(String(b.service)),
    'POST /faults/task-release': b =>
      controls.releaseServiceTasks(String(b.service)),
    'POST /faults/namespace-hang': b =>
      controls.hangNamespaceDeletion(
        String(b.namespace),
        optionalString(b.finalizer),
      ),
    'POST /faults/namespace-release': b =>
      controls.releaseNamespace(String(b.namespace)),
    'POST /clock/advance': b => controls.advanceClock(Number(b.seconds ?? 0)),
    'POST /settings': b => {
      if (b.listStacksPageSize !== undefined)
        controls.setListStacksPageSize(Number(b.listStacksPageSize));
    },
  };
}

export function controlRoute(
  req: SandboxRequest,
  controls: SandboxControls,
  endpoints: EndpointDirectory,
): SandboxResponse {
  const path = req.url.pathname.slice('/_sandbox'.length);
  const method = req.method;
  try {
    if (path.startsWith('/endpoints/')) {
      // `/_sandbox/endpoints/<host>[/<path>]`
      const [host, ...rest] = path.slice('/endpoints/'.length).split('/');
      const info = endpoints.find(
        decodeURIComponent(host),
        `/${rest.map(decodeURIComponent).join('/')}`,
      );
      // A load balancer with no target answers 503, as ALB does.
      const status = info ? endpointStatus(info) : 404;
      return {
        status,
        contentType: 'text/html; charset=utf-8',
        body: info
          ? renderEndpointPage(info)
          : renderUnknownEndpoint(decodeURIComponent(host)),
      };
    }
    const b = method === 'GET' ? {} : body(req);
    const command = commands(controls)[`${method} ${path}`];
    if (command) {
      command(b);
      return ok();
    }
    switch (`${method} ${path}`) {
      case 'GET /health':
        return ok({ sandbox: true });
      case 'GET /profile':
        return json(200, controls.profile());
      case 'POST /profile':
        controls.setProfile(
          String(b.name ?? controls.profile().name) as ProfileName,
          { clockMultiplier: optionalNumber(b.clockMultiplier) },
        );
        return json(200, controls.profile());
      case 'GET /calls':
        return json(200, controls.calls());
      case 'GET /faults':
        return json(200, controls.faults());
      case 'GET /inventory': {
        const tag = req.url.searchParams.get('tag');
        if (!tag) return json(200, controls.inventory());
        const [key, ...value] = tag.split('=');
        return json(
          200,
          controls.inventory({
            key,
            value: value.length ? value.join('=') : undefined,
          }),
        );
      }
      default:
        return json(404, { error: `no sandbox control ${method} ${path}` });
    }
  } catch (error) {
    return json(400, { error: (error as Error).message });
  }
}
