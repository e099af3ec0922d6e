/**
 * The set-up of the suites that drive a sandbox with the real AWS CLI: a
 * fast sandbox on a free port, and a folder of the suite's own for the
 * templates the CLI reads.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '../sandbox';
import { aws, settledStack } from './helpers';
import type { CommandResult } from './helpers';

export interface AwsCliSuite {
  /** The suite's sandbox, valid from `beforeAll` on. */
  readonly sandbox: Sandbox;
  /** Writes `body` to `fileName` in the suite's folder; answers its path. */
  file(fileName: string, body: string): string;
  /**
   * `aws cloudformation create-stack --stack-name <stackName>
   * --template-body <templateBody as a file> …more`: what the CLI answered.
   */
  createStack(
    stackName: string,
    templateBody: string,
    ...more: string[]
  ): Promise<CommandResult>;
  /**
   * `aws …args`, which must succeed (exit 0, nothing on stderr): its JSON
   * answer, `undefined` when it prints nothing.
   */
  cli(...args: string[]): Promise<any>;
  /** The stack's status once no operation runs on it; `undefined` once gone. */
  settled(stackName: string): Promise<string | undefined>;
  /** The stack's inventory entry once settled; `undefined` once gone. */
  settledStack(stackName: string): ReturnType<typeof settledStack>;
}

/**
 * Starts the suite's sandbox before its tests and stops it after them
 * (hooks of the calling `describe`). `name` names the temp folder.
 */
export function awsCliSuite(name: string): AwsCliSuite {
  let started: Sandbox | undefined;
  const dir = mkdtempSync(join(tmpdir(), `envkit-${name}-`));
  const sandbox = () => {
    if (!started) {
      throw new Error(`awsCliSuite('${name}') read before beforeAll`);
    }
    return started;
  };

  beforeAll(async () => {
    started = await startSandbox({ port: 0, profile: 'fast' });
  });
  afterAll(() => started?.stop());

  const file = (fileName: string, body: string) => {
    const path = join(dir, fileName);
    writeFileSync(path, body);
    return path;
  };
  return {
    get sandbox() {
      return sandbox();
    },
    file,
    createStack: (stackName, templateBody, ...more) =>
      aws(sandbox(), [
        'cloudformation',
        'create-stack',
        '--stack-name',
        stackName,
        '--template-body',
        `file://${file(`${stackName}.yaml`, templateBody)}`,
        ...more,
      ]),
    cli: async (...args) => {
      const result = await aws(sandbox(), args);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      return result.stdout ? JSON.parse(result.stdout) : undefined;
    },
    settled: async stackName =>
      (await settledStack(sandbox(), stackName))?.status,
    settledStack: stackName => settledStack(sandbox(), stackName),
  };
}
