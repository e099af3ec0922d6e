import fs from 'node:fs/promises';
import os from 'node:os';
// The toolkit's own formatting of a step output: name<<delimiter, value,
// delimiter, with a delimiter that cannot occur in the value.
import { prepareKeyValueMessage } from '@actions/core/lib/file-command';
import { CliIo } from '../io';

/**
 * Appends step outputs to the file at `GITHUB_OUTPUT`; does nothing outside
 * a GitHub runner.
 */
export async function writeStepOutputs(
  io: CliIo,
  outputs: Record<string, string>,
): Promise<void> {
  const file = io.env.GITHUB_OUTPUT;
  if (!file) return;
  const text = Object.entries(outputs)
    // One command a line, as the toolkit's issueFileCommand writes them.
    .map(([name, value]) => `${prepareKeyValueMessage(name, value)}${os.EOL}`)
    .join('');
  await fs.appendFile(file, text, 'utf8');
}

/**
 * Appends Markdown to the job summary at `GITHUB_STEP_SUMMARY`; does
 * nothing outside a GitHub runner.
 */
export async function appendStepSummary(
  io: CliIo,
  markdown: string,
): Promise<void> {
  const file = io.env.GITHUB_STEP_SUMMARY;
  if (!file) return;
  await fs.appendFile(file, `${markdown}${os.EOL}`, 'utf8');
}
