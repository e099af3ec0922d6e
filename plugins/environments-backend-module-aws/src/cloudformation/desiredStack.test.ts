import { desiredStack } from './desiredStack';

const body = (withCount: boolean) => `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Image:
    Type: String
${
  withCount ? '  DesiredCount:\n    Type: Number\n    Default: 1\n' : ''
}Resources:
  Logs:
    Type: AWS::Logs::LogGroup
`;

const environment = {
  id: 'env-1',
  name: 'web',
  owner: 'user:default/lena',
  generation: 3,
  templateRef: 'environmenttemplate:default/web',
  templateVersion: '1.0.0',
};

function stackFor(options: { asleep?: boolean; withCount?: boolean }) {
  const desired = desiredStack({
    body: body(options.withCount ?? true),
    params: {
      template: 'https://templates.example.test/web.yaml',
      parameters: {
        Image: 'nginx:1.27',
        ...(options.withCount === false ? {} : { DesiredCount: '2' }),
      },
      secretNames: [],
    },
    environment: { ...environment, asleep: options.asleep },
    resourceName: 'service',
  });
  return {
    hash: desired.hash,
    values: Object.fromEntries(
      desired.parameters.map(p => [p.ParameterKey, p.ParameterValue]),
    ),
  };
}

describe('desiredStack while the environment sleeps', () => {
  it('sends a desired count of 0 over the resource’s own, and the own one awake', () => {
    const awake = stackFor({});
    const asleep = stackFor({ asleep: true });
    expect(awake.values.DesiredCount).toBe('2');
    expect(asleep.values).toEqual({ Image: 'nginx:1.27', DesiredCount: '0' });
    // A different stack, so the driver updates it; the same again on waking.
    expect(asleep.hash).not.toBe(awake.hash);
    expect(stackFor({ asleep: false }).hash).toBe(awake.hash);
  });

  it('leaves templates without a DesiredCount parameter alone', () => {
    expect(stackFor({ asleep: true, withCount: false })).toEqual(
      stackFor({ withCount: false }),
    );
  });
});
