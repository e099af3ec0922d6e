/**
 * The one loopback HTTP server. AWS calls are recognised by the service in
 * their SigV4 credential scope; `/_sandbox/` is the control plane; requests
 * whose Host is a published endpoint get its page; everything else is the
 * Kubernetes API.
 */
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseSigningScope } from './aws/signing';
import {
  AwsError,
  CLOUDFORMATION_NS,
  parseForm,
  type QueryParams,
  type XmlValue,
  xmlError,
  xmlResponse,
} from './aws/query';
import { cloudFormationHandlers } from './cloudformation/handlers';
import type { StackStore } from './cloudformation/stacks';
import type { ChangeSetStore } from './cloudformation/changeSets';
import { changeSetHandlers } from './cloudformation/changeSetHandlers';
import type { SandboxControls } from './controls';
import { controlRoute } from './controlRoutes';
import type { EcsState } from './ecs/state';
import { ecsHandlers } from './ecs/handlers';
import type { ElbState } from './elb/state';
import { ELB_NS, elbHandlers } from './elb/handlers';
import {
  endpointStatus,
  renderEndpointPage,
  type EndpointDirectory,
} from './endpoints';
import type { CallCounter, Faults, ServiceName } from './faults';
import {
  header,
  json,
  SANDBOX_HEADER,
  type SandboxRequest,
  type SandboxResponse,
} from './http';
import { kubernetesAction, type KubernetesApi } from './kubernetes/handlers';
import { tooManyRequests } from './kubernetes/status';
import { requestId } from './util/ids';
import type { DataServices } from './tagging/dataServices';
import { s3Call, s3Route } from './s3/handlers';
import { sqsCall } from './sqs/call';
import { jsonCall, queryCall } from './aws/serviceCalls';
import { rdsHandlers, RDS_NS } from './rds/handlers';
import { ELASTICACHE_NS, elastiCacheHandlers } from './elasticache/handlers';
import { secretsManagerHandlers } from './secretsmanager/handlers';

export interface ServerParts {
  stacks: StackStore;
  changeSets: ChangeSetStore;
  ecs: EcsState;
  elb: ElbState;
  kubernetes: KubernetesApi;
  controls: SandboxControls;
  endpoints: EndpointDirectory;
  faults: Faults;
  calls: CallCounter;
  accountId: string;
  /** S3, SQS and the other data services stacks' resources become. */
  data: DataServices;
}

const XML = 'text/xml';
const AMZ_JSON = 'application/x-amz-json-1.1';
const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

interface Classified {
  service: ServiceName | 'unknown-aws';
  action: string;
}

function classify(req: SandboxRequest): Classified {
  const scope = parseSigningScope(header(req.headers, 'authorization'));
  if (!scope)
    return {
      service: 'kubernetes',
      action: kubernetesAction(req.method, req.url),
    };
  if (
    scope.service === 'cloudformation' ||
    scope.service === 'sts' ||
    scope.service === 'elasticloadbalancing' ||
    scope.service === 'rds' ||
    scope.service === 'elasticache'
  ) {
    return {
      service: scope.service,
      action: parseForm(req.body.toString('utf8')).get('Action') ?? 'Unknown',
    };
  }
  if (scope.service === 'ecs' || scope.service === 'secretsmanager') {
    const target = header(req.headers, 'x-amz-target') ?? '';
    return {
      service: scope.service,
      action: target.split('.').pop() ?? 'Unknown',
    };
  }
  if (scope.service === 's3')
    return { service: 's3', action: s3Route(req).action };
  if (scope.service === 'sqs') {
    // JSON 1.0 names the action in X-Amz-Target, the query protocol in the form.
    const target = header(req.headers, 'x-amz-target');
    const action = target
      ? target.split('.').pop()
      : parseForm(req.body.toString('utf8')).get('Action');
    return { service: 'sqs', action: action ?? 'Unknown' };
  }
  return { service: 'unknown-aws', action: scope.service };
}

function throttled(service: ServiceName): SandboxResponse {
  switch (service) {
    case 'ecs':
      return {
        status: 400,
        contentType: AMZ_JSON,
        body: JSON.stringify({
          __type: 'ThrottlingException',
          message: 'Rate exceeded',
        }),
      };
    case 'kubernetes': {
      const error = tooManyRequests(1);
      return json(429, error.status, error.headers);
    }
    default:
      return {
        status: 400,
        contentType: XML,
        body: xmlError(
          'Throttling',
          'Rate exceeded',
          {
            sts: STS_NS,
            elasticloadbalancing: ELB_NS,
          }[service as string] ?? CLOUDFORMATION_NS,
        ),
      };
  }
}

export function createSandboxServer(parts: ServerParts): http.Server {
  const cfn = {
    ...cloudFormationHandlers(parts.stacks),
    ...changeSetHandlers(parts.changeSets),
  };
  const ecs = ecsHandlers(parts.ecs);
  const elb = elbHandlers(parts.elb);
  const rds = rdsHandlers(parts.data.rds);
  const elastiCache = elastiCacheHandlers(parts.data.elastiCache);
  const secretsManager = secretsManagerHandlers(parts.data.secrets);

  /**
   * CloudFormation and ELB (query protocol): form in, the handler's value
   * as XML in the service's namespace out.
   */
  const xmlQueryCall = (
    handlers: Record<
      string,
      (params: QueryParams) => Record<string, XmlValue> | undefined
    >,
    namespace: string,
    version: string,
    req: SandboxRequest,
    action: string,
  ): SandboxResponse => {
    const params = parseForm(req.body.toString('utf8'));
    const handler = handlers[action];
    const id = requestId();
    if (!handler) {
      return {
        status: 400,
        contentType: XML,
        body: xmlError(
          'InvalidAction',
          `Could not find operation ${action} for version ${version}`,
          namespace,
          'Sender',
          id,
        ),
      };
    }
    try {
      return {
        status: 200,
        contentType: XML,
        body: xmlResponse(action, handler(params), namespace, id),
        headers: { 'x-amzn-requestid': id },
      };
    } catch (error) {
      if (!(error instanceof AwsError)) throw error;
      return {
        status: error.status,
        contentType: XML,
        body: xmlError(error.code, error.message, namespace, 'Sender', id),
        headers: { 'x-amzn-requestid': id },
      };
    }
  };

  const ecsCall = (req: SandboxRequest, action: string): SandboxResponse =>
    jsonCall({ name: 'ECS' }, ecs, req, action);

  const sts = (action: string): SandboxResponse => {
    if (action !== 'GetCallerIdentity') {
      return {
        status: 400,
        contentType: XML,
        body: xmlError(
          'InvalidAction',
          `The sandbox does not emulate STS ${action}`,
          STS_NS,
        ),
      };
    }
    return {
      status: 200,
      contentType: XML,
      body: xmlResponse(
        'GetCallerIdentity',
        {
          Arn: `arn:aws:iam::${parts.accountId}:user/envkit-sandbox`,
          UserId: 'AIDAENVKITSANDBOX0000',
          Account: parts.accountId,
        },
        STS_NS,
      ),
    };
  };

  const dispatch = async (
    req: SandboxRequest,
  ): Promise<SandboxResponse | undefined> => {
    if (
      req.url.pathname === '/_sandbox' ||
      req.url.pathname.startsWith('/_sandbox/')
    ) {
      return controlRoute(req, parts.controls, parts.endpoints);
    }
    const host = header(req.headers, 'host') ?? '';
    const endpoint = parts.endpoints.find(host, req.url.pathname);
    if (endpoint)
      return {
        status: endpointStatus(endpoint),
        contentType: 'text/html; charset=utf-8',
        body: renderEndpointPage(endpoint),
      };
    const { service, action } = classify(req);
    if (service === 'unknown-aws') {
      return {
        status: 400,
        contentType: XML,
        body: xmlError(
          'UnrecognizedClientException',
          `The cloud sandbox does not emulate the ${action} service`,
          CLOUDFORMATION_NS,
        ),
      };
    }
    parts.calls.record(service, action);
    const latency = parts.faults.latencyMs.get(service);
    if (latency) await sleep(latency);
    if (parts.faults.shouldThrottle(service, action)) return throttled(service);
    switch (service) {
      case 'cloudformation':
        return xmlQueryCall(cfn, CLOUDFORMATION_NS, '2010-05-15', req, action);
      case 'elasticloadbalancing':
        return xmlQueryCall(elb, ELB_NS, '2015-12-01', req, action);
      case 'ecs':
        return ecsCall(req, action);
      case 'sts':
        return sts(action);
      case 's3':
        return s3Call(parts.data.s3, req, s3Route(req));
      case 'sqs':
        return sqsCall(parts.data.sqs, req, action);
      case 'rds':
        return queryCall({ name: 'RDS', namespace: RDS_NS }, rds, req, action);
      case 'elasticache':
        return queryCall(
          { name: 'ElastiCache', namespace: ELASTICACHE_NS },
          elastiCache,
          req,
          action,
        );
      case 'secretsmanager':
        return jsonCall(
          { name: 'Secrets Manager' },
          secretsManager,
          req,
          action,
        );
      default:
        return parts.kubernetes.handle(req);
    }
  };

  return http.createServer((raw, res) => {
    res.setHeader(SANDBOX_HEADER, 'true');
    readBody(raw)
      .then(async body => {
        const req: SandboxRequest = {
          method: raw.method ?? 'GET',
          url: new URL(raw.url ?? '/', 'http://sandbox.local'),
          headers: raw.headers,
          body,
          raw,
          res,
        };
        const response = await dispatch(req);
        if (!response) return; // streamed (watch)
        res.writeHead(response.status, {
          'content-type': response.contentType,
          ...response.headers,
        });
        res.end(response.body);
      })
      .catch((error: unknown) => {
        process.stderr.write(
          `cloud-sandbox: request failed: ${(error as Error).stack ?? error}\n`,
        );
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({
              error: 'internal sandbox error',
              message: (error as Error).message,
            }),
          );
        } else res.end();
      });
  });
}
