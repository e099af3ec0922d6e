import { toError } from '@backstage/errors';

/**
 * Runs a step's work so that a failure reads as a sentence in the task log.
 *
 * The scaffolder writes a failed step's `error.stack` into the log the
 * browser shows: Node frames and the backend's file paths. The error keeps
 * its class and message; its stack becomes `Name: message`.
 */
export async function failingInWords<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (thrown) {
    const error = toError(thrown);
    error.stack = `${error.name}: ${error.message}`;
    throw error;
  }
}
