/**
 * Expectations on what the sandbox's Kubernetes API answers when it refuses
 * a request.
 */
import type { SandboxAnswer } from './helpers';

/** The answer has HTTP `status` and a Status whose message contains `message`. */
export function expectRefusal(
  answer: SandboxAnswer,
  status: number,
  message: string,
): void {
  expect(answer.status).toBe(status);
  expect(answer.body.message).toContain(message);
}

/**
 * The answer is the API server's Status `reason` with HTTP `code`, with the
 * fields in `more` as well.
 */
export function expectStatus(
  answer: SandboxAnswer,
  code: number,
  reason: string,
  more: Record<string, unknown> = {},
): void {
  expect(answer.status).toBe(code);
  expect(answer.body).toMatchObject({ kind: 'Status', reason, code, ...more });
}
