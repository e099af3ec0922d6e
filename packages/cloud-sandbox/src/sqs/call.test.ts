/**
 * SQS in JSON 1.0 (`X-Amz-Target: AmazonSQS.*`), the protocol newer CLIs
 * and the SDK v3 speak; the query side is covered with the real CLI in
 * e2e/dataServices.test.ts.
 */
import {
  CreateStackCommand,
  waitUntilStackCreateComplete,
} from '@aws-sdk/client-cloudformation';
import { cloudFormationSuite } from '../__testUtils__/sdk';

describe('SQS over JSON 1.0', () => {
  const suite = cloudFormationSuite();

  const call = (action: string, input: unknown) =>
    fetch(suite.sandbox.url, {
      method: 'POST',
      headers: {
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0',
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `AmazonSQS.${action}`,
      },
      body: JSON.stringify(input),
    });

  it('answers ListQueueTags and GetQueueAttributes, and QueueDoesNotExist', async () => {
    await suite.cfn.send(
      new CreateStackCommand({
        StackName: 'jobs',
        TemplateBody: JSON.stringify({
          Resources: {
            Queue: {
              Type: 'AWS::SQS::Queue',
              Properties: { QueueName: 'jobs', VisibilityTimeout: 45 },
            },
          },
        }),
        Tags: [{ Key: 'team', Value: 'a' }],
      }),
    );
    await waitUntilStackCreateComplete(suite.wait(), { StackName: 'jobs' });
    const url = 'https://sqs.us-east-1.amazonaws.com/000000000000/jobs';

    const urlRes = await call('GetQueueUrl', { QueueName: 'jobs' });
    expect(await urlRes.json()).toEqual({ QueueUrl: url });
    const tags = await call('ListQueueTags', { QueueUrl: url });
    expect(tags.headers.get('content-type')).toBe('application/x-amz-json-1.0');
    expect(await tags.json()).toEqual({ Tags: { team: 'a' } });
    const attributes = await call('GetQueueAttributes', {
      QueueUrl: url,
      AttributeNames: ['VisibilityTimeout', 'QueueArn'],
    });
    expect(await attributes.json()).toEqual({
      Attributes: {
        VisibilityTimeout: '45',
        QueueArn: 'arn:aws:sqs:us-east-1:000000000000:jobs',
      },
    });

    const missing = await call('ListQueueTags', { QueueUrl: `${url}-nope` });
    expect(missing.status).toBe(400);
    expect(missing.headers.get('x-amzn-query-error')).toBe(
      'AWS.SimpleQueueService.NonExistentQueue;Sender',
    );
    expect(await missing.json()).toMatchObject({
      __type: 'com.amazonaws.sqs#QueueDoesNotExist',
    });
  });
});
