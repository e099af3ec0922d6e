/**
 * Acceptance: error cases answer with the real services' codes, HTTP
 * statuses and message shapes, and SDK retries recover from throttling.
 */
import {
  CloudFormationClient,
  CreateStackCommand,
  type CreateStackCommandInput,
  DescribeStacksCommand,
  ListStacksCommand,
  UpdateStackCommand,
} from '@aws-sdk/client-cloudformation';
import {
  DescribeServicesCommand,
  ECSClient,
  ListServicesCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { startSandbox, type Sandbox } from '../sandbox';
import {
  callSandbox,
  eventually,
  throttleNext,
} from '../__testUtils__/helpers';
import { expectRefusal, expectStatus } from '../__testUtils__/expectations';
import { createStack, sdkConfig } from '../__testUtils__/sdk';
import {
  BUCKET_TEMPLATE,
  IAM_TEMPLATE,
  NAMED_IAM_TEMPLATE,
  WEB_STACK_TEMPLATE,
} from '../__testUtils__/templates';

jest.setTimeout(60_000);

async function failure(
  promise: Promise<unknown>,
): Promise<{ name: string; message: string; status?: number }> {
  const error = await promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: {
      name: string;
      message: string;
      $metadata?: { httpStatusCode?: number };
    }) => e,
  );
  return {
    name: error.name,
    message: error.message,
    status: error.$metadata?.httpStatusCode,
  };
}

/** What {@link failure} gives for the AWS error `name` with `message`. */
const awsError = (name: string, message: string) => ({
  name,
  message,
  status: 400,
});

describe('error fidelity', () => {
  let sandbox: Sandbox;
  let cfn: CloudFormationClient;
  let ecs: ECSClient;

  const k8s = (
    method: string,
    path: string,
    body?: string | object,
    contentType = 'application/json',
  ) => callSandbox(sandbox, method, path, body, { contentType });

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, profile: 'fast' });
    cfn = new CloudFormationClient(sdkConfig(sandbox));
    ecs = new ECSClient(sdkConfig(sandbox));
    await createStack(cfn, 'errors-web', WEB_STACK_TEMPLATE, 30);
  });

  afterAll(async () => {
    cfn.destroy();
    ecs.destroy();
    await sandbox.stop();
  });

  describe('CloudFormation', () => {
    it.each<[string, () => Promise<unknown>, string, string]>([
      [
        'rejects unknown stacks',
        () => cfn.send(new DescribeStacksCommand({ StackName: 'ghost' })),
        'ValidationError',
        'Stack with id ghost does not exist',
      ],
      [
        'says when an update changes nothing',
        () =>
          cfn.send(
            new UpdateStackCommand({
              StackName: 'errors-web',
              TemplateBody: WEB_STACK_TEMPLATE,
            }),
          ),
        'ValidationError',
        'No updates are to be performed.',
      ],
    ])('%s', async (_, call, name, message) => {
      expect(await failure(call())).toEqual(awsError(name, message));
    });

    const danglingTemplate =
      'Resources:\n  Sg:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      VpcId: !Ref MissingVpc\n';
    it.each<[string, CreateStackCommandInput, string, string]>([
      [
        'a second stack with a live name',
        { StackName: 'errors-web', TemplateBody: BUCKET_TEMPLATE },
        'AlreadyExistsException',
        'Stack [errors-web] already exists',
      ],
      [
        'IAM resources without CAPABILITY_IAM',
        { StackName: 'iam', TemplateBody: IAM_TEMPLATE },
        'InsufficientCapabilitiesException',
        'Requires capabilities : [CAPABILITY_IAM]',
      ],
      [
        'named IAM resources with only CAPABILITY_IAM',
        {
          StackName: 'iam',
          TemplateBody: NAMED_IAM_TEMPLATE,
          Capabilities: ['CAPABILITY_IAM'],
        },
        'InsufficientCapabilitiesException',
        'Requires capabilities : [CAPABILITY_NAMED_IAM]',
      ],
      [
        'a parameter outside its AllowedValues',
        {
          StackName: 'bad-params',
          TemplateBody: WEB_STACK_TEMPLATE,
          Parameters: [{ ParameterKey: 'Env', ParameterValue: 'staging' }],
        },
        'ValidationError',
        "Parameter 'Env' must be one of AllowedValues",
      ],
      [
        'an undeclared parameter',
        {
          StackName: 'bad-params',
          TemplateBody: BUCKET_TEMPLATE,
          Parameters: [{ ParameterKey: 'Nope', ParameterValue: 'x' }],
        },
        'ValidationError',
        'Parameters: [Nope] do not exist in the template',
      ],
      [
        'a dangling reference',
        { StackName: 'dangling', TemplateBody: danglingTemplate },
        'ValidationError',
        'Template format error: Unresolved resource dependencies [MissingVpc] in the Resources block of the template',
      ],
    ])('refuses to create a stack with %s', async (_, input, name, message) => {
      expect(await failure(cfn.send(new CreateStackCommand(input)))).toEqual(
        awsError(name, message),
      );
    });

    it('honours a repeated ClientRequestToken', async () => {
      const create = () =>
        cfn.send(
          new CreateStackCommand({
            StackName: 'token-stack',
            TemplateBody: BUCKET_TEMPLATE,
            ClientRequestToken: 'tok-1',
          }),
        );
      const first = await create();
      expect((await create()).StackId).toBe(first.StackId);
    });

    it('creates named IAM resources with CAPABILITY_NAMED_IAM', async () => {
      const ok = await cfn.send(
        new CreateStackCommand({
          StackName: 'iam',
          TemplateBody: NAMED_IAM_TEMPLATE,
          Capabilities: ['CAPABILITY_NAMED_IAM'],
        }),
      );
      expect(ok.StackId).toContain(':stack/iam/');
    });

    it('rejects malformed templates', async () => {
      const broken = await failure(
        cfn.send(
          new CreateStackCommand({
            StackName: 'broken',
            TemplateBody: 'Resources:\n  A: [unclosed',
          }),
        ),
      );
      expect(broken).toMatchObject({ name: 'ValidationError', status: 400 });
      expect(broken.message).toMatch(
        /^Template format error: YAML not well-formed/,
      );
    });

    it('lets the SDK retry through injected throttling', async () => {
      throttleNext(sandbox, 'cloudformation', 'DescribeStacks', 2);
      const { Stacks } = await cfn.send(
        new DescribeStacksCommand({ StackName: 'errors-web' }),
      );
      expect(Stacks![0].StackStatus).toBe('CREATE_COMPLETE');
      expect(sandbox.controls.calls().cloudformation.DescribeStacks).toBe(3);
      const calls = await (await fetch(`${sandbox.url}/_sandbox/calls`)).json();
      expect(calls.cloudformation.DescribeStacks).toBe(3);
    });

    it('answers throttled calls with the real Throttling error when retries run out', async () => {
      throttleNext(sandbox, 'cloudformation', 'ListStacks', 5);
      const noRetry = new CloudFormationClient({
        ...sdkConfig(sandbox),
        maxAttempts: 1,
      });
      expect(await failure(noRetry.send(new ListStacksCommand({})))).toEqual(
        awsError('Throttling', 'Rate exceeded'),
      );
      noRetry.destroy();
      sandbox.controls.clearFaults();
    });
  });

  describe('ECS', () => {
    it('reports unknown clusters and services like ECS', async () => {
      expect(
        await failure(
          ecs.send(
            new DescribeServicesCommand({
              cluster: 'ghost',
              services: ['web'],
            }),
          ),
        ),
      ).toEqual(awsError('ClusterNotFoundException', 'Cluster not found.'));
      expect(
        await failure(
          ecs.send(
            new UpdateServiceCommand({
              cluster: 'errors-web-cluster',
              service: 'ghost',
              desiredCount: 1,
            }),
          ),
        ),
      ).toEqual(awsError('ServiceNotFoundException', 'Service not found.'));
      const missing = await ecs.send(
        new DescribeServicesCommand({
          cluster: 'errors-web-cluster',
          services: ['ghost'],
        }),
      );
      expect(missing.services).toEqual([]);
      expect(missing.failures).toEqual([
        {
          arn: 'arn:aws:ecs:us-east-1:000000000000:service/errors-web-cluster/ghost',
          reason: 'MISSING',
        },
      ]);
    });

    it('limits DescribeServices to ten services', async () =>
      expect(
        await failure(
          ecs.send(
            new DescribeServicesCommand({
              cluster: 'errors-web-cluster',
              services: Array.from({ length: 11 }, (_, i) => `svc-${i}`),
            }),
          ),
        ),
      ).toEqual(
        awsError(
          'InvalidParameterException',
          'service names can have at most 10 items.',
        ),
      ));

    it('recovers from ThrottlingException through SDK retries', async () => {
      throttleNext(sandbox, 'ecs', 'ListServices', 2);
      const listed = await ecs.send(
        new ListServicesCommand({ cluster: 'errors-web-cluster' }),
      );
      expect(listed.serviceArns).toEqual([
        'arn:aws:ecs:us-east-1:000000000000:service/errors-web-cluster/web',
      ]);
      const noRetry = new ECSClient({ ...sdkConfig(sandbox), maxAttempts: 1 });
      throttleNext(sandbox, 'ecs', 'ListServices', 1);
      expect(
        await failure(
          noRetry.send(
            new ListServicesCommand({ cluster: 'errors-web-cluster' }),
          ),
        ),
      ).toEqual(awsError('ThrottlingException', 'Rate exceeded'));
      noRetry.destroy();
    });
  });

  describe('Kubernetes', () => {
    it('answers 404 with a NotFound Status', async () => {
      const res = await k8s('GET', '/api/v1/namespaces/x');
      expect(res.status).toBe(404);
      expect(res.body).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'namespaces "x" not found',
        reason: 'NotFound',
        details: { name: 'x', kind: 'namespaces' },
        code: 404,
      });
      const grouped = await k8s(
        'GET',
        '/apis/apps/v1/namespaces/default/deployments/nope',
      );
      expect(grouped.body.message).toBe('deployments.apps "nope" not found');
      expect(grouped.body.details).toEqual({
        name: 'nope',
        group: 'apps',
        kind: 'deployments',
      });
      const inMissingNs = await k8s(
        'POST',
        '/api/v1/namespaces/ghost/serviceaccounts',
        {
          apiVersion: 'v1',
          kind: 'ServiceAccount',
          metadata: { name: 'sa' },
        },
      );
      expect(inMissingNs.status).toBe(404);
      expect(inMissingNs.body.message).toBe('namespaces "ghost" not found');
    });

    it('answers 409 AlreadyExists and 422 Invalid', async () => {
      const ns = {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'dup' },
      };
      expect((await k8s('POST', '/api/v1/namespaces', ns)).status).toBe(201);
      const again = await k8s('POST', '/api/v1/namespaces', ns);
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({
        reason: 'AlreadyExists',
        message: 'namespaces "dup" already exists',
        details: { name: 'dup', kind: 'namespaces' },
        code: 409,
      });
      const bad = await k8s('POST', '/api/v1/namespaces', {
        ...ns,
        metadata: { name: 'Bad_Name' },
      });
      expect(bad.status).toBe(422);
      expect(bad.body.reason).toBe('Invalid');
      expect(bad.body.message).toMatch(
        /^Namespace "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 label/,
      );
      expect(bad.body.details.causes[0]).toMatchObject({
        reason: 'FieldValueInvalid',
        field: 'metadata.name',
      });
    });

    it('forbids content in a terminating namespace and re-creating its name', async () => {
      sandbox.controls.hangNamespaceDeletion('doomed', 'example.com/cleanup');
      const ns = {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'doomed' },
      };
      await k8s('POST', '/api/v1/namespaces', ns);
      const deleted = await k8s('DELETE', '/api/v1/namespaces/doomed');
      expect(deleted.status).toBe(200);
      expect(deleted.body.status.phase).toBe('Terminating');
      expect(deleted.body.metadata.deletionTimestamp).toMatch(/Z$/);

      const cm = await k8s('POST', '/api/v1/namespaces/doomed/configmaps', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'settings' },
      });
      expect(cm.status).toBe(403);
      expect(cm.body).toMatchObject({
        reason: 'Forbidden',
        message:
          'configmaps "settings" is forbidden: unable to create new content in namespace doomed because it is being terminated',
        code: 403,
      });
      const recreate = await k8s('POST', '/api/v1/namespaces', ns);
      expect(recreate.status).toBe(409);
      expect(recreate.body.message).toBe(
        'object is being deleted: namespaces "doomed" already exists',
      );

      const stuck = await eventually(async () => {
        const res = await k8s('GET', '/api/v1/namespaces/doomed');
        return res.body.status.conditions ? res.body : undefined;
      });
      expect(stuck.status.phase).toBe('Terminating');
      expect(stuck.status.conditions).toContainEqual(
        expect.objectContaining({
          type: 'NamespaceFinalizersRemaining',
          status: 'True',
          message:
            'Some content in the namespace has finalizers remaining: example.com/cleanup in 1 resource instances',
        }),
      );
      sandbox.controls.releaseNamespace('doomed');
      expect((await k8s('GET', '/api/v1/namespaces/doomed')).status).toBe(404);
    });

    it('reports server-side apply conflicts between managers, and force takes over', async () => {
      const cm = (value: string) =>
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'shared', namespace: 'default' },
          data: { mode: value },
        });
      const path = '/api/v1/namespaces/default/configmaps/shared';
      const apply = (url: string, body: string | object) =>
        k8s('PATCH', url, body, 'application/apply-patch+yaml');
      const first = await apply(`${path}?fieldManager=team-a`, cm('a'));
      expect(first.status).toBe(201);
      const clash = await apply(`${path}?fieldManager=team-b`, cm('b'));
      expectStatus(clash, 409, 'Conflict', {
        message:
          'Apply failed with 1 conflict: conflict with "team-a": .data.mode',
        details: {
          causes: [
            {
              type: 'FieldManagerConflict',
              message: 'conflict with "team-a"',
              field: '.data.mode',
            },
          ],
        },
      });
      const forced = await apply(
        `${path}?fieldManager=team-b&force=true`,
        cm('b'),
      );
      expect(forced.status).toBe(200);
      expect(forced.body.data).toEqual({ mode: 'b' });
      expect(
        forced.body.metadata.managedFields.map(
          (m: { manager: string }) => m.manager,
        ),
      ).toEqual(['team-b']);

      expectRefusal(
        await apply(path, cm('c')),
        422,
        'fieldManager: Required value: is required for apply patch',
      );

      const proto = await k8s(
        'POST',
        '/api/v1/namespaces',
        'binary',
        'application/vnd.kubernetes.protobuf',
      );
      expect(proto.status).toBe(415);
      expect(proto.body.reason).toBe('UnsupportedMediaType');
    });

    it('throttles with 429 and Retry-After, which client-node surfaces', async () => {
      throttleNext(sandbox, 'kubernetes', 'get namespaces', 1);
      const res = await k8s('GET', '/api/v1/namespaces/default');
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('1');
      expect(res.body).toMatchObject({ reason: 'TooManyRequests', code: 429 });

      const kc = new KubeConfig();
      kc.loadFromFile(sandbox.kubeconfigPath);
      const core = kc.makeApiClient(CoreV1Api);
      const missing = await core.readNamespace({ name: 'nope' }).catch(e => e);
      expect(missing.code).toBe(404);
      expect(JSON.parse(missing.body)).toMatchObject({
        reason: 'NotFound',
        message: 'namespaces "nope" not found',
      });
    });
  });
});
