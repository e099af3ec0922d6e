import {
  Environment,
  EnvironmentsRestApi,
  EnvironmentsRestClient,
} from '@envkit/plugin-environments-common';
import { ResponseError } from '@backstage/errors';
import { CliError, ExitCode } from './exitCodes';
import { Settings } from './settings';

/** The generated REST client, pointed at the backend with the token. */
export function createClient(settings: Settings): EnvironmentsRestApi {
  return new EnvironmentsRestClient({
    discoveryApi: {
      getBaseUrl: async pluginId => `${settings.url}/api/${pluginId}`,
    },
    fetchApi: {
      fetch: (input, init) => {
        const request = new Request(input, init);
        request.headers.set('Authorization', `Bearer ${settings.token}`);
        return fetch(request);
      },
    },
  });
}

// Environment ids are UUIDs; names are DNS labels, so they never look alike.
const ID_PATTERN =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The live environment called `name`, if any: names are unique among the
 * environments that are not Destroyed, which the list leaves out.
 */
export async function findByName(
  client: EnvironmentsRestApi,
  name: string,
): Promise<Environment | undefined> {
  let cursor: string | undefined;
  do {
    const page = await client.listEnvironments({ limit: 1000, cursor });
    const found = page.items.find(e => e.spec.name === name);
    // Lists hold summaries; the whole environment is one read away.
    if (found) return client.getEnvironment(found.id);
    cursor = page.nextCursor;
  } while (cursor);
  return undefined;
}

/** An environment given by id or by name. */
export async function resolveEnvironment(
  client: EnvironmentsRestApi,
  idOrName: string,
): Promise<Environment> {
  if (ID_PATTERN.test(idOrName)) {
    return client.getEnvironment(idOrName);
  }
  const found = await findByName(client, idOrName);
  if (!found) {
    throw new CliError(
      `No environment named '${idOrName}' that you can see`,
      ExitCode.error,
    );
  }
  return found;
}

export function isNotFound(error: unknown): boolean {
  return ResponseError.is(error) && error.statusCode === 404;
}
