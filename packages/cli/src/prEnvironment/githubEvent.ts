import fs from 'node:fs/promises';
import { badInput } from '../exitCodes';
import { CliIo } from '../io';

/** What the pull-request environment needs of a `pull_request` event. */
export interface PullRequestEvent {
  /** `opened`, `synchronize`, `reopened`, `closed`, … */
  action: string;
  number: number;
  headSha: string;
  url?: string;
  merged: boolean;
  /** `owner/name`. */
  repository?: string;
}

const EVENT_NAMES = ['pull_request', 'pull_request_target'];

/**
 * The event a GitHub runner describes in `GITHUB_EVENT_NAME` and the payload
 * file at `GITHUB_EVENT_PATH`.
 */
export async function readPullRequestEvent(
  io: CliIo,
): Promise<PullRequestEvent> {
  const name = io.env.GITHUB_EVENT_NAME;
  const file = io.env.GITHUB_EVENT_PATH;
  if (!name || !EVENT_NAMES.includes(name)) {
    throw badInput(
      `GITHUB_EVENT_NAME: '${
        name ?? ''
      }' is not a pull_request event; run this on pull_request (opened, synchronize, reopened, closed)`,
    );
  }
  if (!file) {
    throw badInput('GITHUB_EVENT_PATH: not set; GitHub runners set it');
  }
  let payload: any;
  try {
    payload = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (error) {
    throw badInput(
      `GITHUB_EVENT_PATH: cannot read the event payload ${file}: ${
        (error as Error).message
      }`,
    );
  }
  const pr = payload?.pull_request;
  const number = pr?.number ?? payload?.number;
  if (typeof payload?.action !== 'string' || !Number.isInteger(number)) {
    throw badInput(
      `GITHUB_EVENT_PATH: ${file} is not a pull_request payload (no action or number)`,
    );
  }
  return {
    action: payload.action,
    number,
    headSha: pr?.head?.sha ?? '',
    url: pr?.html_url,
    merged: pr?.merged === true,
    repository: payload.repository?.full_name ?? io.env.GITHUB_REPOSITORY,
  };
}
