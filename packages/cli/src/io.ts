/**
 * Where a command reads its environment and writes its output; the real
 * process in `runCli`, buffers in tests.
 */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Record<string, string | undefined>;
  /** Resolves relative file names. */
  cwd: string;
  /** All of standard input, when there is one to read. */
  readStdin?(): Promise<string>;
}

async function readAll(stream: NodeJS.ReadStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

export function processIo(): CliIo {
  return {
    stdout: text => process.stdout.write(text),
    stderr: text => process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
    // A terminal is a person who did not pipe a token in, not a stream to wait on.
    readStdin: process.stdin.isTTY ? undefined : () => readAll(process.stdin),
  };
}
