/**
 * `yarn sandbox`: runs the cloud sandbox in the foreground and prints how to
 * point the AWS CLI, SDKs and kubectl at it.
 */
import { startSandbox } from './sandbox';
import { isProfileName, type ProfileName } from './profiles';

interface CliOptions {
  port: number;
  host: string;
  profile: ProfileName;
  clockMultiplier?: number;
  loadBalancerDomain?: string;
}

function parseArgs(argv: string[]): CliOptions {
  const options: CliOptions = {
    port: 4566,
    host: '127.0.0.1',
    profile: 'realistic',
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--port':
        options.port = Number(value());
        break;
      case '--host':
        options.host = value();
        break;
      case '--profile': {
        const profile = value();
        if (!isProfileName(profile))
          throw new Error(
            `--profile must be fast or realistic, not ${profile}`,
          );
        options.profile = profile;
        break;
      }
      case '--clock-multiplier':
        options.clockMultiplier = Number(value());
        break;
      case '--lb-domain':
        options.loadBalancerDomain = value();
        break;
      case '--help':
      case '-h':
        process.stdout.write(
          'Usage: yarn sandbox [--port 4566] [--host 127.0.0.1] [--profile fast|realistic] [--clock-multiplier N] [--lb-domain elb.localhost:4566]\n',
        );
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${argv[i]}`);
    }
  }
  if (!Number.isInteger(options.port) || options.port < 0)
    throw new Error('--port must be a port number');
  return options;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
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
