/**
 * `yarn sandbox`: runs the cloud sandbox in the foreground and prints how to
 * point the AWS CLI, SDKs and kubectl at it.
 */
import { parseArgs } from 'node:util';
import { startSandbox } from './sandbox';
import { isProfileName, type ProfileName } from './profiles';

interface CliOptions {
  port: number;
  host: string;
  profile: ProfileName;
  clockMultiplier?: number;
  loadBalancerDomain?: string;
}

const USAGE =
  'Usage: yarn sandbox [--port 4566] [--host 127.0.0.1] [--profile fast|realistic] [--clock-multiplier N] [--lb-domain elb.localhost:4566]\n';

function parseCliArgs(argv: string[]): CliOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      port: { type: 'string', default: '4566' },
      host: { type: 'string', default: '127.0.0.1' },
      profile: { type: 'string', default: 'realistic' },
      'clock-multiplier': { type: 'string' },
      'lb-domain': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0)
    throw new Error('--port must be a port number');
  if (!isProfileName(values.profile))
    throw new Error(
      `--profile must be fast or realistic, not ${values.profile}`,
    );
  const multiplier = values['clock-multiplier'];
  return {
    port,
    host: values.host,
    profile: values.profile,
    clockMultiplier: multiplier === undefined ? undefined : Number(multiplier),
    loadBalancerDomain: values['lb-domain'],
  };
}

async function main(): Promise<void> {
  const options = parseCliArgs(process.argv.slice(2));
  const sandbox = await startSandbox(options);
  const lines = [
    `Envkit cloud sandbox (profile ${options.profile}) — an emulator, not a cloud.`,
    '',
    `  AWS_ENDPOINT_URL=${sandbox.url}`,
    `  Kubernetes API:   ${sandbox.url}`,
    `  KUBECONFIG=${sandbox.kubeconfigPath}`,
    `  Controls:         ${sandbox.url}/_sandbox/calls, /_sandbox/reset, ...`,
    '',
    'AWS CLI: AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 \\',
    `  aws --endpoint-url ${sandbox.url} cloudformation list-stacks`,
    `kubectl: kubectl --kubeconfig ${sandbox.kubeconfigPath} get namespaces`,
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const shutdown = () => {
    sandbox.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch(error => {
  process.stderr.write(`cloud-sandbox: ${(error as Error).message}\n`);
  process.exit(1);
});
