import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import type { UrlReaderService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';

/** The templates that ship with the plugin, by their `builtin:` name. @public */
export const BUILTIN_TEMPLATES = [
  'network',
  'ecs-service',
  'ecs-platform',
  'ecs-service-shared',
  'ecs-app-service',
  'queue',
  'bucket',
  'postgres',
  'redis',
  'nat-egress',
] as const;

/** Names of {@link BUILTIN_TEMPLATES}. */
export type BuiltinTemplateName = (typeof BUILTIN_TEMPLATES)[number];

/** CloudFormation's limit on a `TemplateBody` passed inline, in bytes. @public */
export const MAX_TEMPLATE_BODY_BYTES = 51_200;

const BUILTIN_PREFIX = 'builtin:';

/** Directory of the built-in templates, inside the installed package. */
export function builtinTemplateDirectory(): string {
  return resolvePackagePath(
    '@envkit/plugin-environments-backend-module-aws',
    'templates/cloudformation',
  );
}

/** The built-in name of `template`, or `undefined` for a URL or path. */
export function builtinName(template: string): BuiltinTemplateName | undefined {
  if (!template.startsWith(BUILTIN_PREFIX)) return undefined;
  const name = template.slice(BUILTIN_PREFIX.length);
  if (!(BUILTIN_TEMPLATES as readonly string[]).includes(name)) {
    throw new InputError(
      `unknown built-in template '${template}'; built-in templates are ${BUILTIN_TEMPLATES.map(
        t => BUILTIN_PREFIX + t,
      ).join(', ')}`,
    );
  }
  return name as BuiltinTemplateName;
}

/**
 * Where a platform team's own template lives: `template` itself when it is
 * an absolute URL, otherwise `template` relative to `baseUrl` (usually the
 * location of the EnvironmentTemplate entity).
 */
export function templateUrl(template: string, baseUrl?: string): string {
  try {
    return new URL(template).toString();
  } catch {
    // Not absolute: resolve it below.
  }
  if (!baseUrl) {
    throw new InputError(
      `template '${template}' is a relative path, so the resource also needs a 'baseUrl' parameter (the URL of the directory or file it is relative to)`,
    );
  }
  try {
    return new URL(template, baseUrl).toString();
  } catch {
    throw new InputError(`baseUrl '${baseUrl}' is not a URL`);
  }
}

function checkSize(body: string, source: string): string {
  const size = Buffer.byteLength(body, 'utf8');
  if (size > MAX_TEMPLATE_BODY_BYTES) {
    throw new InputError(
      `template ${source} is ${size} bytes; CloudFormation accepts at most ${MAX_TEMPLATE_BODY_BYTES} bytes inline`,
    );
  }
  return body;
}

/**
 * Reads template bodies: built-ins from the package's `templates/`
 * directory (cached for the life of the process), others through the
 * UrlReader (cached briefly, since apply runs again every few seconds).
 */
export class TemplateSource {
  private readonly builtins = new Map<string, Promise<string>>();
  private readonly remote = new Map<
    string,
    { body: Promise<string>; expires: number }
  >();

  constructor(
    private readonly options: {
      urlReader?: UrlReaderService;
      directory?: string;
      remoteCacheMs?: number;
    } = {},
  ) {}

  async load(template: string, baseUrl?: string): Promise<string> {
    const builtin = builtinName(template);
    if (builtin) return this.loadBuiltin(builtin);
    const url = templateUrl(template, baseUrl);
    const now = Date.now();
    const cached = this.remote.get(url);
    if (cached && cached.expires > now) return cached.body;
    const body = this.read(url);
    this.remote.set(url, {
      body,
      expires: now + (this.options.remoteCacheMs ?? 60_000),
    });
    body.catch(() => this.remote.delete(url));
    return body;
  }

  loadBuiltin(name: BuiltinTemplateName): Promise<string> {
    let body = this.builtins.get(name);
    if (!body) {
      const directory = this.options.directory ?? builtinTemplateDirectory();
      body = readFile(join(directory, `${name}.yaml`), 'utf8').then(text =>
        checkSize(text, `builtin:${name}`),
      );
      this.builtins.set(name, body);
    }
    return body;
  }

  private async read(url: string): Promise<string> {
    if (!this.options.urlReader) {
      throw new InputError(
        `template ${url} cannot be read: the driver was built without a UrlReader`,
      );
    }
    const response = await this.options.urlReader.readUrl(url);
    const body = (await response.buffer()).toString('utf8');
    return checkSize(body, url);
  }
}
