import { renderInTestApp } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import { makeEnvironment } from '../../__testUtils__/fixtures';
import { connectEntries, DataServicesConnect } from './ConnectSection';

const SECRET =
  'arn:aws:secretsmanager:us-east-1:123456789012:secret:envkit-db-MasterSecret-AbCdEf';
const TOKEN =
  'arn:aws:secretsmanager:us-east-1:123456789012:secret:envkit-cache-AuthToken-GhIjKl';

/** A full-stack environment's resources with the outputs the built-ins give. */
function fullStack() {
  const env = makeEnvironment('Ready');
  const resource = (name: string, outputs: Record<string, string>) => ({
    name,
    driver: 'aws-cloudformation',
    phase: 'Ready' as const,
    outputs,
    updatedAt: '2025-03-01T10:05:00.000Z',
  });
  env.status.resources = [
    resource('network', { VpcId: 'vpc-1' }),
    resource('db', {
      Host: 'db1.abc.us-east-1.rds.amazonaws.com',
      Port: '5432',
      DatabaseName: 'app',
      Username: 'app',
      SecretArn: SECRET,
    }),
    resource('cache', {
      Host: 'master.c1.abc.use1.cache.amazonaws.com',
      Port: '6379',
      SecretArn: TOKEN,
    }),
    resource('files', { BucketName: 'envkit-files-1a2b' }),
    resource('jobs', {
      QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/jobs',
    }),
    resource('api', {
      Endpoint: 'http://envkit-alb-1.us-east-1.elb.amazonaws.com/api/',
      LogGroup: '/envkit/stack/api',
      ServiceName: 'api',
    }),
  ];
  return env;
}

describe('DataServicesConnect', () => {
  it('lists each data service and service by what its outputs say it is', () => {
    expect(connectEntries(fullStack()).map(e => [e.resource, e.kind])).toEqual([
      ['db', 'database'],
      ['cache', 'cache'],
      ['files', 'bucket'],
      ['jobs', 'queue'],
      ['api', 'service'],
    ]);
  });

  it('shows host, port, database and the command that reads the secret, never a password', async () => {
    await renderInTestApp(<DataServicesConnect environment={fullStack()} />);
    const db = screen.getByRole('region', { name: 'Connect to db' });
    for (const text of [
      'db1.abc.us-east-1.rds.amazonaws.com',
      '5432',
      'app',
      SECRET,
    ]) {
      expect(within(db).getAllByText(text).length).toBeGreaterThan(0);
    }
    expect(
      within(db).getByText(
        `aws secretsmanager get-secret-value --secret-id ${SECRET} --query SecretString --output text`,
        { exact: false },
      ),
    ).toBeInTheDocument();
    const cache = screen.getByRole('region', { name: 'Connect to cache' });
    expect(
      within(cache).getByText(
        'rediss://master.c1.abc.use1.cache.amazonaws.com:6379',
      ),
    ).toBeInTheDocument();
    const api = screen.getByRole('region', { name: 'Connect to api' });
    expect(within(api).getByText('/api/')).toBeInTheDocument();
    expect(within(api).getByText('/envkit/stack/api')).toBeInTheDocument();
    expect(document.body.textContent).not.toMatch(/password\s*[:=]/i);
  });

  it('renders nothing for an environment without data services or services', async () => {
    const env = makeEnvironment('Ready');
    env.status.resources = [];
    const { container } = await renderInTestApp(
      <DataServicesConnect environment={env} />,
    );
    expect(container.textContent).toBe('');
  });
});
