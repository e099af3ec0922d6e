import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';

jest.setTimeout(60_000);

describe('yarn sandbox (src/cli.ts)', () => {
  it('starts, prints its endpoints and kubeconfig, and stops on SIGTERM', async () => {
    const packageDir = join(__dirname, '..');
    const child = spawn(
      process.execPath,
      [
        '--require',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
        'src/cli.ts',
        '--port',
        '0',
        '--profile',
        'fast',
      ],
      { cwd: packageDir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    const exited = new Promise<number | null>(resolve =>
      child.on('exit', code => resolve(code)),
    );
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no banner; got: ${output}`)),
          45_000,
        );
        child.stdout.on('data', () => {
          if (output.includes('KUBECONFIG=')) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      const url = /AWS_ENDPOINT_URL=(http:\/\/127\.0\.0\.1:\d+)/.exec(
        output,
      )?.[1];
      expect(url).toBeDefined();
      expect(output).toContain(`Kubernetes API:   ${url}`);
      const kubeconfig = /KUBECONFIG=(\S+)/.exec(output)![1];
      expect(
        parseYaml(readFileSync(kubeconfig, 'utf8')).clusters[0].cluster.server,
      ).toBe(url);
      const health = await fetch(`${url}/_sandbox/health`);
      expect(await health.json()).toEqual({ ok: true, sandbox: true });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
